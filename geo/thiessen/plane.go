package thiessen

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-proj/v11"
)

// plane is a local transverse Mercator projection (WGS84 ellipsoid, scale 1)
// centred on (lon0, lat0). x and y are metres east and north of the centre.
type plane struct {
	pj         *proj.PJ
	lon0, lat0 float64
}

// newPlane creates the projection in its own PROJ context, so that Build
// shares no state with other goroutines.
func newPlane(lon0, lat0 float64) (*plane, error) {
	def := fmt.Sprintf("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "+
		"+step +proj=tmerc +lat_0=%.12f +lon_0=%.12f +k=1 +x_0=0 +y_0=0 +ellps=WGS84", lat0, lon0)
	pj, err := proj.NewContext().New(def)
	if err != nil {
		return nil, fmt.Errorf("creating the local projection %q: %w", def, err)
	}
	return &plane{pj: pj, lon0: lon0, lat0: lat0}, nil
}

// forward projects lon/lat degrees to plane metres.
func (p *plane) forward(pt orb.Point) (orb.Point, error) {
	c, err := p.pj.Forward(proj.NewCoord(pt[0], pt[1], 0, 0))
	if err != nil {
		return orb.Point{}, fmt.Errorf("projecting %v: %w", pt, err)
	}
	return orb.Point{c.X(), c.Y()}, nil
}

// inverse converts plane metres back to lon/lat degrees.
func (p *plane) inverse(pt orb.Point) (orb.Point, error) {
	c, err := p.pj.Inverse(proj.NewCoord(pt[0], pt[1], 0, 0))
	if err != nil {
		return orb.Point{}, fmt.Errorf("unprojecting %v: %w", pt, err)
	}
	return orb.Point{c.X(), c.Y()}, nil
}

// forwardMultiPolygon projects every vertex of mp.
func (p *plane) forwardMultiPolygon(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			out[i][j] = make(orb.Ring, len(ring))
			for k, pt := range ring {
				q, err := p.forward(pt)
				if err != nil {
					return nil, err
				}
				out[i][j][k] = q
			}
		}
	}
	return out, nil
}
