package main

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOriginFlags(t *testing.T) {
	for _, tc := range []struct {
		addr, hosts string
		want        []string
	}{
		{":8080", "", []string{"localhost", "127.0.0.1", "::1"}},
		{"0.0.0.0:8080", "", []string{"localhost", "127.0.0.1", "::1"}},
		{"maps.example.org:80", "", []string{"localhost", "127.0.0.1", "::1", "maps.example.org"}},
		{"[2001:db8::1]:80", "", []string{"localhost", "127.0.0.1", "::1", "2001:db8::1"}},
		{":8080", "a.example, b.example ", []string{"a.example", "b.example"}},
	} {
		hosts, _, err := originFlags(tc.addr, tc.hosts, "")
		require.NoError(t, err)
		assert.Equal(t, tc.want, hosts, tc.addr+" "+tc.hosts)
	}
	_, proxies, err := originFlags(":8080", "", "10.0.0.0/8, 192.0.2.7")
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}, proxies)
}
