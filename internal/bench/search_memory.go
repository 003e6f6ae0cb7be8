package bench

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// mappedResident returns the bytes of the files under dir that this
// process maps and that are in RAM (the Rss of their mappings in
// /proc/self/smaps): the index's segment files, as far as searches have
// read them and the page cache keeps them. 0 where Linux does not say.
func mappedResident(dir string) uint64 {
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0
	}
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	dir = filepath.Clean(dir) + string(filepath.Separator)
	var total uint64
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !strings.HasSuffix(f[0], ":") { // a mapping's header: address perms offset dev inode [path]
			in = len(f) >= 6 && strings.HasPrefix(f[5], dir)
			continue
		}
		if in && f[0] == "Rss:" && len(f) >= 2 {
			if kb, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				total += kb << 10
			}
		}
	}
	return total
}
