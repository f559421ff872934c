package thiessen

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/internal/projx"
)

// plane is a local transverse Mercator projection (WGS84 ellipsoid, scale 1)
// centred on (lon0, lat0). x and y are metres east and north of the centre.
type plane struct {
	pj         *projx.Transformer
	lon0, lat0 float64
}

// newPlane creates the projection in its own PROJ context, so that Build
// shares no state with other goroutines. close frees it; a plane that is
// dropped without close is freed by the garbage collector.
func newPlane(lon0, lat0 float64) (*plane, error) {
	def := fmt.Sprintf("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "+
		"+step +proj=tmerc +lat_0=%.12f +lon_0=%.12f +k=1 +x_0=0 +y_0=0 +ellps=WGS84", lat0, lon0)
	pj, err := projx.New(def)
	if err != nil {
		return nil, fmt.Errorf("creating the local projection %q: %w", def, err)
	}
	return &plane{pj: pj, lon0: lon0, lat0: lat0}, nil
}

// close frees the projection.
func (p *plane) close() { p.pj.Close() }

// forward projects lon/lat degrees to plane metres.
func (p *plane) forward(pt orb.Point) (orb.Point, error) {
	xy := []orb.Point{pt}
	if _, err := p.pj.Forward(xy); err != nil {
		return orb.Point{}, fmt.Errorf("projecting %v: %w", pt, err)
	}
	return xy[0], nil
}

// inverse converts plane metres back to lon/lat degrees.
func (p *plane) inverse(pt orb.Point) (orb.Point, error) {
	xy := []orb.Point{pt}
	if _, err := p.pj.Inverse(xy); err != nil {
		return orb.Point{}, fmt.Errorf("unprojecting %v: %w", pt, err)
	}
	return xy[0], nil
}

// forwardMultiPolygon projects every vertex of mp.
func (p *plane) forwardMultiPolygon(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			pts := slices.Clone(ring)
			if k, err := p.pj.Forward(pts); err != nil {
				return nil, fmt.Errorf("projecting %v: %w", ring[k], err)
			}
			out[i][j] = pts
		}
	}
	return out, nil
}
