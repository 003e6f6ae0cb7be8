// Package search is the product and shop search of a node: an embedded Bleve index
// in the data directory, kept up to date by a projection that follows the event log,
// and queried with typo tolerance, prefixes, filters, distance and facets.
//
// The index holds what search needs and no more. A product's document holds its
// shop's id, not its location: a search near a point finds the shops in range in
// an in-memory table of the shop documents and filters and sorts products by
// shop id, so a shop that moves re-indexes one document, not all its products.
// Every document records the version of the row it was built from and is never
// replaced by one built from an older row. The log cursor is written in the same
// batch as the documents, so a node that restarts, even after a crash, resumes
// exactly where its index stands. A reindex builds a new index beside the one in
// use and swaps it in through a Bleve index alias.
//
// Product searches use Bleve's segments but not its searchers: a word's matches
// are the union of its terms' postings, as bitmaps, in each segment; matches
// are filtered and counted with bitmaps and arrays of the segment's product
// values (columns.go), built once per segment, since a segment never changes
// once written; and only the matches that may enter the page are scored or
// ranked, in an order that lets the search stop early (scan_topk.go). A word
// in most product names then costs about a nanosecond per match, where
// Bleve's searchers cost over a hundred.
package search
