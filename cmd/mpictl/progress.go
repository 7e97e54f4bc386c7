package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
)

// phases times the phases of a long command and draws a progress bar for
// each on stderr, unless quiet.
type phases struct {
	w     io.Writer
	quiet bool
	list  []phase
	start time.Time
}

type phase struct {
	name string
	d    time.Duration
}

func newPhases(w io.Writer, quiet bool) *phases {
	return &phases{w: w, quiet: quiet, start: time.Now()}
}

// bar returns a progress bar for a phase of total units (hidden when quiet).
func (p *phases) bar(total int64, desc string, bytes bool) *progressbar.ProgressBar {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-10s", desc)),
		progressbar.OptionSetVisibility(!p.quiet),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200 * time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	}
	return progressbar.NewOptions64(total, opts...)
}

// run times fn as a phase.
func (p *phases) run(name string, fn func() error) error {
	t := time.Now()
	err := fn()
	p.list = append(p.list, phase{name, time.Since(t)})
	return err
}

// summary writes the time of each phase and the peak memory.
func (p *phases) summary(w io.Writer) {
	for _, ph := range p.list {
		fmt.Fprintf(w, "  %-12s %8.2fs\n", ph.name, ph.d.Seconds())
	}
	fmt.Fprintf(w, "  %-12s %8.2fs\n", "total", time.Since(p.start).Seconds())
	fmt.Fprintf(w, "  peak memory  %s\n", peakMemory())
}

// peakMemory reports the peak resident set size (VmHWM) on Linux, or the
// memory the Go runtime obtained elsewhere.
func peakMemory() string {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
				fields := bytes.Fields(v)
				if len(fields) > 0 {
					if kb, err := strconv.ParseInt(string(fields[0]), 10, 64); err == nil {
						return fmt.Sprintf("%.0f MiB (peak RSS)", float64(kb)/1024)
					}
				}
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("%.0f MiB (obtained by the Go runtime)", float64(ms.Sys)/(1<<20))
}
