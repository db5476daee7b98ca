package demos

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// How runs of processes learn what the OS did: a sampler reads, every
// samplePeriod, two counters the kernel keeps for each thread of each
// watched process: the time it has spent on a CPU and the time it has
// spent in a run queue waiting for one (/proc/<pid>/task/<tid>/schedstat).
// The difference between two readings is exact; where in the interval the
// time fell, the counters do not say, so a sample holds amounts, not spans.
//
// The kernel brings a thread's on-CPU counter up to date when the thread
// leaves the CPU and at each scheduler tick (4 ms at 250 Hz), and its wait
// counter when the thread gets a CPU: a reading can lag the truth by up to
// a tick, and the lagging time shows up in a later interval, sometimes more
// of it than the interval is long. No thread can run, or run and wait,
// faster than the clock, so such excess belongs to the intervals before:
// correct moves it back there, as little as it must.

const (
	// samplePeriod is how often the sampler reads the counters: fine
	// enough to see the scheduler's turns (a few ms each), coarse enough
	// that reading costs about 1% of one core for a handful of processes.
	samplePeriod = 2 * time.Millisecond
	// relistEvery is how many readings pass between looks for new threads.
	relistEvery = 5
)

// sourceProc is Recording.StateSource for states sampled from /proc.
var sourceProc = fmt.Sprintf("/proc every %v", samplePeriod)

// A reading is a thread's counters at one moment of the run's clock.
type reading struct {
	at        time.Duration
	run, wait time.Duration
}

// A threadSeries is everything read of one thread.
type threadSeries struct {
	tid      int
	name     string
	readings []reading
}

// A procSeries is everything read of one process, threads by first sight.
type procSeries struct {
	pid     int
	born    time.Duration // when it was started, on the run's clock: its counters were zero then
	threads []*threadSeries
}

// correct makes a thread's readings consistent with the clock: from the
// last reading back, no interval may hold more running, or more running
// and waiting together, than its length. Readings only ever grow by it,
// as little as the clock demands.
func correct(rs []reading) {
	for k := len(rs) - 2; k >= 0; k-- {
		dt := rs[k+1].at - rs[k].at
		rs[k].run = max(rs[k].run, rs[k+1].run-dt)
		total := max(rs[k].run+rs[k].wait, rs[k+1].run+rs[k+1].wait-dt)
		rs[k].wait = total - rs[k].run
	}
	// Waiting may not shrink from one reading to the next.
	for k := 1; k < len(rs); k++ {
		rs[k].wait = max(rs[k].wait, rs[k-1].wait)
	}
}

// shareCores makes the threads' readings consistent with the machine: in
// no interval may they have run, all together, more than cores times its
// length. Where they did, the lag of the running threads' counters moved
// time there from before, so the excess goes back to the interval before,
// shared among the threads that ran in proportion, as running time that
// had been counted as waiting there where it can. All readings are on the
// same moments (passes), which is what makes intervals comparable.
func shareCores(threads []*threadSeries, cores int) {
	if cores <= 0 {
		return
	}
	// at[t] lists, per moment of the grid, the thread readings taken then.
	type ref struct {
		th *threadSeries
		i  int // index in th.readings
	}
	at := map[time.Duration][]ref{}
	for _, th := range threads {
		for i, r := range th.readings {
			at[r.at] = append(at[r.at], ref{th, i})
		}
	}
	var grid []time.Duration
	for t := range at {
		grid = append(grid, t)
	}
	grid = sortedUnique(grid)
	for k := len(grid) - 1; k >= 1; k-- {
		dt := grid[k] - grid[k-1]
		var movable []ref
		var sum time.Duration
		for _, r := range at[grid[k]] {
			if r.i == 0 || r.th.readings[r.i-1].at != grid[k-1] {
				continue // the thread was not read at the start of the interval
			}
			d := r.th.readings[r.i].run - r.th.readings[r.i-1].run
			sum += d
			if d > 0 {
				movable = append(movable, ref{r.th, r.i - 1})
			}
		}
		excess := sum - time.Duration(cores)*dt
		if excess <= 0 || sum <= 0 {
			continue
		}
		for _, r := range movable {
			rs := r.th.readings
			d := rs[r.i+1].run - rs[r.i].run
			move := min(time.Duration(float64(excess)*float64(d)/float64(sum)), d)
			raise(rs, r.i, rs[r.i].run+move)
		}
	}
}

// raise sets reading i's running counter to run, and the earlier readings'
// as far as needed for no interval to hold more running than its length.
// Running time that comes earlier replaces time counted as waiting there,
// as far as there was some. A raise of the first reading takes time out of
// the record: it ran before the thread was first read.
func raise(rs []reading, i int, run time.Duration) {
	for ; i >= 0 && run > rs[i].run; i-- {
		move := run - rs[i].run
		rs[i].run = run
		floor := time.Duration(0)
		if i > 0 {
			floor = rs[i-1].wait
			run -= rs[i].at - rs[i-1].at // the most the reading before can be behind
		}
		rs[i].wait = max(floor, rs[i].wait-move)
	}
}

// samples turns corrected readings into samples, keeping the part of each
// interval that lies between from and to, with its amounts in proportion.
func samples(rs []reading, from, to time.Duration) []Sample {
	var out []Sample
	for k := 0; k+1 < len(rs); k++ {
		a, b := rs[k], rs[k+1]
		lo, hi := max(a.at, from), min(b.at, to)
		dt := b.at - a.at
		if hi <= lo || dt <= 0 {
			continue
		}
		share := float64(hi-lo) / float64(dt)
		run := max(0, b.run-a.run)
		wait := max(0, b.wait-a.wait)
		s := Sample{Start: lo, End: hi,
			Running:  time.Duration(float64(run) * share),
			Runnable: time.Duration(float64(wait) * share)}
		// Correction keeps running and waiting within the interval;
		// rounding must not push them past it.
		s.Running = min(s.Running, hi-lo)
		s.Runnable = min(s.Runnable, hi-lo-s.Running)
		out = append(out, s)
	}
	return out
}

// threadsBetween are the process's threads that ran or waited between from and
// to, with their samples there, in the order they were first seen.
func (p *procSeries) threadsBetween(from, to time.Duration) []Thread {
	var out []Thread
	for _, th := range p.threads {
		ss := samples(th.readings, from, to)
		busy := false
		for _, s := range ss {
			if s.Running > 0 || s.Runnable > 0 {
				busy = true
				break
			}
		}
		if busy {
			out = append(out, Thread{TID: th.tid, Name: th.name, Samples: ss})
		}
	}
	return out
}

// A procSampler samples the watched processes' threads until closed.
type procSampler struct {
	r       *run
	mu      sync.Mutex
	watched map[int]*procWatch
	series  map[int]*procSeries // every process ever watched, by pid
	cores   int                 // CPUs the watched processes can run on
	stop    chan struct{}
	done    chan struct{}
	err     error // why sampling is not possible here
}

// newProcSampler starts a sampler on the run's clock. Where the OS gives no
// per-thread counters, it records nothing and err says why.
func newProcSampler(r *run) *procSampler {
	s := &procSampler{r: r, watched: map[int]*procWatch{}, series: map[int]*procSeries{},
		cores: runtime.NumCPU(), stop: make(chan struct{}), done: make(chan struct{})}
	if s.err = samplingSupported(); s.err != nil {
		close(s.done)
		return s
	}
	go s.loop()
	return s
}

// note says, for a recording, whether and how the states were sampled.
func (s *procSampler) note(rec *Recording) {
	if s.err != nil {
		rec.Notes = append(rec.Notes, "states not recorded: "+s.err.Error())
		return
	}
	rec.StateSource = sourceProc
}

// loop reads every watched process every samplePeriod.
func (s *procSampler) loop() {
	defer close(s.done)
	tick := time.NewTicker(samplePeriod)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
			s.pass()
		}
	}
}

// pass reads every watched process once.
func (s *procSampler) pass() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passLocked()
}

// passLocked reads every watched process once, all at the same moment of
// the run's clock: every reading the sampler takes is part of a pass, so
// that all threads' intervals line up and can be compared.
func (s *procSampler) passLocked() {
	at := s.r.now()
	for pid, w := range s.watched {
		if !w.read(at) {
			w.close()
			delete(s.watched, pid)
		}
	}
}

// watch starts sampling process pid, started (forked) at born on the run's
// clock.
func (s *procSampler) watch(pid int, born time.Duration) {
	if s.err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := &procSeries{pid: pid, born: born}
	s.series[pid] = ps
	s.watched[pid] = newProcWatch(ps)
	s.passLocked()
}

// readNow takes a pass now, between the sampler's own: at the edge of a
// task, so that the task's samples end exactly there.
func (s *procSampler) readNow() {
	if s.err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passLocked()
}

// last takes a pass now and stops sampling pid: for a process that has
// exited but not been waited for, whose counters are still there.
func (s *procSampler) last(pid int) {
	if s.err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passLocked()
	if w := s.watched[pid]; w != nil {
		w.close()
		delete(s.watched, pid)
	}
}

// close stops sampling and corrects what was read; threads may be called
// after it.
func (s *procSampler) close() {
	select {
	case <-s.done:
	default:
		close(s.stop)
		<-s.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for pid, w := range s.watched {
		w.close()
		delete(s.watched, pid)
	}
	var all []*threadSeries
	for _, ps := range s.series {
		for _, th := range ps.threads {
			correct(th.readings)
			all = append(all, th)
		}
	}
	shareCores(all, s.cores)
}

// threads is what pid's threads did between from and to (run clock),
// after close.
func (s *procSampler) threads(pid int, from, to time.Duration) []Thread {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.series[pid]
	if ps == nil {
		return nil
	}
	return ps.threadsBetween(from, to)
}
