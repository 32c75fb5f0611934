package main

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// run runs a command in dir, failing on a non-zero exit, and notes the runner's peak memory.
func (e *env) run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	stop := make(chan struct{})
	sampled := make(chan int64)
	sample := name == e.runner && e.sampleRSS
	if sample {
		go func() { sampled <- watchRSS(cmd.Process.Pid, stop) }()
	}
	err := cmd.Wait()
	if sample {
		close(stop)
		e.peakRSS = max(e.peakRSS, <-sampled)
	}
	if err != nil {
		return fmt.Errorf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, stderr.String())
	}
	return nil
}

// watchRSS samples the high-water mark of the resident memory of process pid alone (VmHWM, in kilobytes)
// until stop is closed, and returns the last value read. The rusage of a waited-for process would also count
// the go commands and programs it ran.
func watchRSS(pid int, stop <-chan struct{}) int64 {
	var hwm int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					var kb int64
					fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
					hwm = max(hwm, kb)
				}
			}
		}
		select {
		case <-stop:
			return hwm
		case <-tick.C:
		}
	}
}

// timeOnce times one run of f.
func timeOnce(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// sampled runs f once more, untimed, sampling the memory of the runners it starts: the sampler reads /proc
// every millisecond, which would slow the timed runs on a machine of two cores.
func (e *env) sampled(f func() error) error {
	e.sampleRSS = true
	defer func() { e.sampleRSS = false }()
	return f()
}

// median runs f -runs times and returns the median duration, then once more to sample memory.
func (e *env) median(f func() error) (time.Duration, error) {
	var ds []time.Duration
	for range *runs {
		d, err := timeOnce(f)
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	return middle(ds), e.sampled(f)
}

// medianPair runs f and g in turn, -runs times each, and returns the median duration of each: both meet the
// machine in the same state. f runs once more to sample memory.
func (e *env) medianPair(f, g func() error) (time.Duration, time.Duration, error) {
	var fs, gs []time.Duration
	for range *runs {
		d, err := timeOnce(f)
		if err != nil {
			return 0, 0, err
		}
		fs = append(fs, d)
		if d, err = timeOnce(g); err != nil {
			return 0, 0, err
		}
		gs = append(gs, d)
	}
	return middle(fs), middle(gs), e.sampled(f)
}

func middle(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}
