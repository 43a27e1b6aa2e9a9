package server

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rotatedLayout names rotated files: fixed width, so names sort by time.
const rotatedLayout = "20060102T150405.000000000Z"

// rotatingFile appends lines to a file and, once a line would take it past
// maxBytes, renames it to <name>-<UTC time><ext>, starts a new one and
// removes the oldest rotated files beyond keep. Not safe for concurrent
// use: the sink serialises writes.
type rotatingFile struct {
	path     string
	maxBytes int64 // <= 0: never rotate
	keep     int   // < 0: keep every rotated file
	now      func() time.Time

	f    *os.File // nil after a failed reopen: the next write retries
	size int64
}

func openRotating(path string, maxBytes int64, keep int, now func() time.Time) (*rotatingFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("server: sink: %w", err)
	}
	rf := &rotatingFile{path: path, maxBytes: maxBytes, keep: keep, now: now}
	if err := rf.open(); err != nil {
		return nil, err
	}
	return rf, nil
}

func (rf *rotatingFile) open() error {
	f, err := os.OpenFile(rf.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("server: sink: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return errors.Join(fmt.Errorf("server: sink: %w", err), f.Close())
	}
	if !st.Mode().IsRegular() {
		return errors.Join(fmt.Errorf("server: sink: %s is not a regular file", rf.path), f.Close())
	}
	rf.f, rf.size = f, st.Size()
	return nil
}

// writeLine appends line (which ends with a newline) in one write,
// rotating first when it would not fit. On an error nothing was appended
// unless the write itself failed part way.
func (rf *rotatingFile) writeLine(line []byte) error {
	if rf.f != nil && rf.maxBytes > 0 && rf.size > 0 && rf.size+int64(len(line)) > rf.maxBytes {
		if err := rf.rotate(); err != nil {
			return err
		}
	}
	if rf.f == nil {
		if err := rf.open(); err != nil {
			return err
		}
	}
	n, err := rf.f.Write(line)
	rf.size += int64(n)
	if err != nil {
		return fmt.Errorf("server: sink: write %s: %w", rf.path, err)
	}
	return nil
}

// rotate closes the file, renames it and opens a new one, then prunes.
func (rf *rotatingFile) rotate() error {
	if err := rf.f.Close(); err != nil {
		rf.f = nil
		return fmt.Errorf("server: sink: rotate %s: %w", rf.path, err)
	}
	rf.f = nil
	ext := filepath.Ext(rf.path)
	base := strings.TrimSuffix(rf.path, ext)
	stamp := rf.now().UTC().Format(rotatedLayout)
	// Within one clock tick, a counter keeps rotated files in order.
	rotated, err := rotatedFiles(base, ext)
	if err != nil {
		return errors.Join(err, rf.open())
	}
	n := 0
	for _, f := range rotated {
		if f.stamp == stamp {
			n = max(n, f.n+1)
		}
	}
	dst := rotatedName(base, stamp, n, ext)
	for {
		_, err := os.Lstat(dst)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return errors.Join(fmt.Errorf("server: sink: rotate %s: %w", rf.path, err), rf.open())
		}
		n++
		dst = rotatedName(base, stamp, n, ext)
	}
	if err := os.Rename(rf.path, dst); err != nil {
		return errors.Join(fmt.Errorf("server: sink: rotate %s: %w", rf.path, err), rf.open())
	}
	if err := rf.open(); err != nil {
		return err
	}
	return rf.prune(base, ext)
}

// prune removes the oldest rotated files beyond keep.
func (rf *rotatingFile) prune(base, ext string) error {
	if rf.keep < 0 {
		return nil
	}
	old, err := rotatedFiles(base, ext)
	if err != nil || len(old) <= rf.keep {
		return err
	}
	var errs []error
	for _, f := range old[:len(old)-rf.keep] {
		if err := os.Remove(f.path); err != nil {
			errs = append(errs, fmt.Errorf("server: sink: prune: %w", err))
		}
	}
	return errors.Join(errs...)
}

// rotatedFile is a file rotated from the sink's file.
type rotatedFile struct {
	path, stamp string
	n           int // collision counter, 0 for none
}

// rotatedName is base-stamp[.n]ext.
func rotatedName(base, stamp string, n int, ext string) string {
	if n == 0 {
		return base + "-" + stamp + ext
	}
	return base + "-" + stamp + "." + strconv.Itoa(n) + ext
}

// rotatedFiles lists the files rotated from base+ext, oldest first: by
// time stamp, then by collision counter.
func rotatedFiles(base, ext string) ([]rotatedFile, error) {
	matches, err := filepath.Glob(escapeGlob(base) + "-*" + escapeGlob(ext))
	if err != nil {
		return nil, fmt.Errorf("server: sink: rotate: %w", err)
	}
	var files []rotatedFile
	for _, m := range matches {
		name := strings.TrimSuffix(strings.TrimPrefix(m, base+"-"), ext)
		if len(name) < len(rotatedLayout) {
			continue
		}
		stamp, rest := name[:len(rotatedLayout)], name[len(rotatedLayout):]
		if _, err := time.Parse(rotatedLayout, stamp); err != nil {
			continue
		}
		n := 0
		if rest != "" {
			if n, err = strconv.Atoi(strings.TrimPrefix(rest, ".")); err != nil || rest[0] != '.' || n <= 0 {
				continue
			}
		}
		files = append(files, rotatedFile{m, stamp, n})
	}
	slices.SortFunc(files, func(a, b rotatedFile) int {
		return cmp.Or(cmp.Compare(a.stamp, b.stamp), cmp.Compare(a.n, b.n))
	})
	return files, nil
}

// escapeGlob quotes filepath.Match's metacharacters.
func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// Close closes the file.
func (rf *rotatingFile) Close() error {
	if rf.f == nil {
		return nil
	}
	err := rf.f.Close()
	rf.f = nil
	if err != nil {
		return fmt.Errorf("server: sink: close %s: %w", rf.path, err)
	}
	return nil
}
