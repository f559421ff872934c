package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/server"
)

// TestOGCPagesStyled: issue 22, item 16. Chromium applies the OGC pages'
// own style sheet, and their policy blocks nothing (before, default-src
// 'none' blocked the inline style and 10 of 11 pages came unstyled).
func TestOGCPagesStyled(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	ts := httptest.NewServer(newHandler(t, dataset(t), server.Config{}))
	t.Cleanup(ts.Close)
	browser := newBrowser(t)
	tab, cancelTab := chromedp.NewContext(browser)
	t.Cleanup(cancelTab)
	require.NoError(t, chromedp.Do(tab)) // opens the tab, without a timeout
	ctx, cancel := context.WithTimeout(tab, time.Minute)
	t.Cleanup(cancel)
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watcher})
	require.NoError(t, err)
	for _, target := range []string{"/ogc?f=html", "/ogc/collections?f=html", "/ogc/collections/control/items?f=html&limit=3"} {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(ts.URL+target)))
		poll[bool](t, ctx, `document.readyState === 'complete'`)
		assert.Equal(t, "1080px", eval[string](t, ctx, `getComputedStyle(document.body).maxWidth`), "%s: body{max-width:72em} at 15px", target)
		assert.Equal(t, "15px", eval[string](t, ctx, `getComputedStyle(document.body).fontSize`), target)
		assertNothingRan(t, ctx)
	}
}
