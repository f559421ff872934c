package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"

	"github.com/labstack/echo/v4"
)

// ogcCSS is the OGC pages' one style sheet, inline in their head.
const ogcCSS = `body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}nav{margin:.5em 0 1em}code{background:#f3f3f3;padding:0 3px}`

// ogcPagePolicy is the Content-Security-Policy of the OGC pages: nothing
// but that style sheet, allowed by its hash (the API's policy,
// default-src 'none', blocked it), and links.
var ogcPagePolicy = func() string {
	sum := sha256.Sum256([]byte(ogcCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
}()

// serveOGCPage renders an OGC page with its policy.
func (s *Server) serveOGCPage(c echo.Context, page string, view any) error {
	var buf bytes.Buffer
	if err := ogcTemplates.ExecuteTemplate(&buf, page, view); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", ogcPagePolicy)
	return newResponse(ctypeHTML, buf.Bytes()).serve(c, s.cacheControlOf(c))
}

// ogcTemplates render the OGC API pages. html/template escapes every
// value: dataset strings reach the page as text only.
var ogcTemplates = template.Must(template.New("ogc").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} — frontline OGC API</title>
<style>` + ogcCSS + `</style></head><body>
<nav><a href="/ogc?f=html">Landing page</a> · <a href="/ogc/collections?f=html">Collections</a> · <a href="/ogc/api?f=html">API</a> · <a href="/">Map</a></nav>{{end}}
{{define "foot"}}</body></html>{{end}}

{{define "links"}}<ul>{{range .}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> <small>({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</small></li>{{end}}</ul>{{end}}

{{define "landing"}}{{template "head" .Title}}
<h1>{{.Title}}</h1>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Attribution}}<p>Attribution: {{.Attribution}}</p>{{end}}
{{if .License}}<p>Licence: {{.License}}</p>{{end}}
<p>An OGC API – Features service. In QGIS: Layer ▸ Add Layer ▸ Add WFS / OGC API – Features Layer, new connection with this page's address.</p>
{{template "links" .Links}}
{{template "foot"}}{{end}}

{{define "conformance"}}{{template "head" "Conformance"}}
<h1>Conformance classes</h1><ul>{{range .ConformsTo}}<li><code>{{.}}</code></li>{{end}}</ul>
{{template "foot"}}{{end}}

{{define "collections"}}{{template "head" "Collections"}}
<h1>Collections</h1>
<table><tr><th>id</th><th>title</th><th>description</th><th>time</th></tr>
{{range .Collections}}<tr><td><a href="/ogc/collections/{{.ID}}?f=html">{{.ID}}</a></td><td>{{.Title}}</td><td>{{.Description}}</td>
<td>{{with .Extent.Temporal}}{{range .Interval}}{{index . 0}} – {{with index . 1}}{{.}}{{else}}on{{end}}{{end}}{{end}}</td></tr>{{end}}
</table>
{{template "foot"}}{{end}}

{{define "collectiondoc"}}<h1>{{.Title}}</h1><p>{{.Description}}</p>
<p>Extent: {{range .Extent.Spatial.BBox}}{{index . 0}}, {{index . 1}} to {{index . 2}}, {{index . 3}}{{end}} (lon/lat, CRS84){{with .Extent.Temporal}}; {{range .Interval}}from {{index . 0}}{{with index . 1}} to {{.}}{{else}} on (the last states hold after the last date){{end}}{{end}}{{end}}</p>{{end}}

{{define "collection"}}{{template "head" .Title}}
{{template "collectiondoc" .}}
<h2>Fields</h2><table><tr><th>name</th></tr>{{range .Fields}}<tr><td>{{.Name}}</td></tr>{{end}}</table>
<h2>Links</h2>{{template "links" .Links}}
{{template "foot"}}{{end}}

{{define "items"}}{{template "head" .Collection.Title}}
{{template "collectiondoc" .Collection}}
<p>{{.Matched}} matching feature(s){{if .Rows}}, showing from number {{.Offset}}{{end}}.
{{if .Prev}}<a href="{{.Prev}}">previous page</a>{{end}} {{if .Next}}<a href="{{.Next}}">next page</a>{{end}}</p>
<table><tr><th>id</th>{{range .Fields}}<th>{{.Name}}</th>{{end}}</tr>
{{range .Rows}}<tr><td><a href="{{.Href}}">{{.ID}}</a></td>{{range .Values}}<td>{{.}}</td>{{end}}</tr>{{end}}
</table>
{{template "foot"}}{{end}}

{{define "item"}}{{template "head" .ID}}
<h1>{{.ID}}</h1><p>In <a href="/ogc/collections/{{.Collection.ID}}?f=html">{{.Collection.Title}}</a>.</p>
<table>{{range $i, $f := .Fields}}<tr><th>{{$f.Name}}</th><td>{{index $.Values $i}}</td></tr>{{end}}</table>
{{template "foot"}}{{end}}

{{define "api"}}{{template "head" "API"}}
<h1>The HTTP API of {{.Title}}</h1><p>The OpenAPI 3.0 document: <a href="/ogc/api?f=json">/ogc/api?f=json</a>.</p>
<table><tr><th>GET</th><th>answer</th><th>types</th></tr>{{range .Paths}}<tr><td><code>{{.Path}}</code></td><td>{{.Summary}}</td><td>{{.Types}}</td></tr>{{end}}</table>
{{template "foot"}}{{end}}
`))
