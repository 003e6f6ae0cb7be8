package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/mohallamart/mohalla"
	bbolt "go.etcd.io/bbolt/errors"
)

// schemaVersion names the shape of the documents. An index written with another
// shape is rebuilt on start.
const schemaVersion = "3"

// Keys of the values a generation stores beside its documents.
var (
	cursorKey = []byte("mohalla.cursor")
	schemaKey = []byte("mohalla.schema")
)

// currentFile names the generation in use, so a reindex that dies half way
// never leaves a half-built index in use.
const currentFile = "CURRENT"

// generation is one Bleve index on disk and the log position it reflects.
type generation struct {
	name string
	dir  string
	idx  bleve.Index
	pos  mohalla.Position // last event applied; guarded by Index.mu once in use
	// stocked is the products with a stock value (stock.go); guarded as pos.
	stocked map[string]bool
}

// scorchConfig tunes the index for a projection. unsafe_batch returns from a
// batch once it is searchable, persisting in the background: a crash can lose
// the last batches, but the cursor is written in the same batches, so the index
// on disk is always a consistent earlier state that the follower replays on from.
// Another process holding the index (a server, when "mohalla reindex" runs
// beside it) makes opening fail after openTimeout instead of wait forever.
//
// The persister naps persisterNap before each persist, so that the batches
// of that time (searchable from the start, in memory) are merged in memory
// and written as one segment file, not one file each for the merger to read
// and merge again: at a steady 50 writes a second that disk merging and
// persisting was a fifth of the server's CPU. What a nap leaves unwritten at
// a crash or a shutdown is what unsafe_batch already allows: the follower
// replays it from the cursor on disk. At rest the persister sleeps.
func scorchConfig(openTimeout time.Duration) map[string]any {
	return map[string]any{
		"unsafe_batch": true,
		"bolt_timeout": openTimeout.String(),
		"scorchPersisterOptions": map[string]any{
			"PersisterNapTimeMSec": int(persisterNap / time.Millisecond),
		},
	}
}

// persisterNap is how long Bleve's persister waits for more batches before
// writing what it holds (scorch's PersisterNapTimeMSec; its default, 0, is
// for safe batches, and it advises more for unsafe ones). At 50 writes a
// second with 200 live subscribers, two seconds took 8% less of the server's
// CPU per write than one, three 16% less; a new generation waits up to this
// long for its cursor to be on disk (see build).
const persisterNap = 2 * time.Second

// indexMapping is the mapping Bleve records. Documents come built (see
// document.go), so it maps nothing itself.
func indexMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	return m
}

// prebuilt lets Bleve's offline builder take documents built by document.go.
type prebuilt struct{ *mapping.IndexMappingImpl }

func (prebuilt) MapDocument(doc *document.Document, data any) error {
	built, ok := data.(*document.Document)
	if !ok {
		return fmt.Errorf("search: want a built document, got %T", data)
	}
	for _, f := range built.Fields {
		doc.AddField(f)
	}
	return nil
}

func (p prebuilt) MarshalJSON() ([]byte, error) { return json.Marshal(p.IndexMappingImpl) }

// newGenerationName names a generation by its creation time.
func newGenerationName() string { return fmt.Sprintf("gen-%d", time.Now().UnixNano()) }

// errNoIndex means there is no usable index and it must be built.
var errNoIndex = errors.New("no usable search index")

// openCurrent opens the generation CURRENT names. It returns errNoIndex (wrapped)
// when there is none, or it is damaged, unfinished or of another schema.
func openCurrent(dir string, openTimeout time.Duration) (*generation, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoIndex
	} else if err != nil {
		return nil, fmt.Errorf("%w: %v", errNoIndex, err)
	}
	name := strings.TrimSpace(string(b))
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("%w: %s names no generation", errNoIndex, currentFile)
	}
	idx, err := bleve.OpenUsing(filepath.Join(dir, name), scorchConfig(openTimeout))
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, &InUseError{Dir: dir, PID: holder(dir)}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %v", errNoIndex, name, err)
	}
	g := &generation{name: name, dir: dir, idx: idx}
	if err := g.check(); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("%w: %s: %v", errNoIndex, name, err)
	}
	return g, nil
}

// check reads the schema and the cursor.
func (g *generation) check() error {
	schema, err := g.idx.GetInternal(schemaKey)
	if err != nil {
		return err
	}
	if string(schema) != schemaVersion {
		return fmt.Errorf("schema %q, want %q", schema, schemaVersion)
	}
	cur, err := g.idx.GetInternal(cursorKey)
	if err != nil {
		return err
	}
	if cur == nil {
		return errors.New("no cursor")
	}
	stocked, err := g.idx.GetInternal(stockedKey)
	if err != nil {
		return err
	}
	g.stocked = decodeStocked(stocked)
	return g.pos.UnmarshalText(cur)
}

// makeCurrent records g as the generation in use.
func (g *generation) makeCurrent() error {
	tmp := filepath.Join(g.dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.WriteString(g.name + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(g.dir, currentFile))
}

// closeAndRemove closes g and deletes its files.
func (g *generation) closeAndRemove() error {
	err := g.idx.Close()
	return errors.Join(err, os.RemoveAll(filepath.Join(g.dir, g.name)))
}

// removeStale deletes every generation in dir but keep: leftovers of a reindex
// that died, or of a damaged index.
func removeStale(dir, keep string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != keep {
			errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
		}
	}
	return errors.Join(errs...)
}

// reader returns a snapshot of the generation's index, to be closed after use.
func (g *generation) reader() (*scorch.IndexSnapshot, error) {
	adv, err := g.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		_ = r.Close()
		return nil, fmt.Errorf("search: the index reader is a %T, not scorch's", r)
	}
	return snap, nil
}
