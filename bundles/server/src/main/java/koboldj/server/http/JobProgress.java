package koboldj.server.http;

import java.util.function.LongSupplier;

/**
 * How far the long job of one engine has got (a batch of images, a long speech), for a route that
 * reports it while the job runs and one that stops it, as A1111's {@code /sdapi/v1/progress} and
 * {@code /sdapi/v1/interrupt} do. The engine {@link #start starts} a job, reports its steps and
 * closes it, and asks between steps whether it was {@link #interrupt interrupted}; one job is
 * reported at a time, the one started last.
 *
 * <p>Thread-safe: the engine's thread reports while request threads read and interrupt.
 */
public final class JobProgress {

    /**
     * One look at the job.
     *
     * @param job         the job's name, or "" when none runs
     * @param jobNumber   the part running now (A1111's job_no: the image of the batch), from 0
     * @param jobCount    the job's parts (A1111's job_count), 0 when none runs
     * @param step        steps done in the running part (A1111's sampling_step)
     * @param steps       steps of the running part (sampling_steps), 0 if it has none
     * @param interrupted whether the job was asked to stop
     * @param progress    how much of the whole job is done, 0 to 1
     * @param etaSeconds  the seconds still to go at the pace so far; 0 while nothing is done yet
     */
    public record Snapshot(String job, int jobNumber, int jobCount, int step, int steps, boolean interrupted,
            double progress, double etaSeconds) {
        static final Snapshot IDLE = new Snapshot("", 0, 0, 0, 0, false, 0, 0);

        public boolean running() {
            return jobCount > 0;
        }
    }

    private final LongSupplier nanoTime;
    /** The job reported; guarded by this, as is the state of every job. */
    private Job current;

    public JobProgress() {
        this(System::nanoTime);
    }

    JobProgress(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Starts a job that is reported from now on, in place of any other.
     *
     * @param jobCount its parts, at least one (the images of a batch)
     * @param steps    the steps of its first part; 0 if it counts no steps
     */
    public synchronized Job start(String name, int jobCount, int steps) {
        if (jobCount < 1 || steps < 0) {
            throw new IllegalArgumentException("a job has at least one part and no negative steps");
        }
        current = new Job(name, jobCount, steps, nanoTime.getAsLong());
        return current;
    }

    /** The job that runs now, or {@link Snapshot#running() no job}. */
    public synchronized Snapshot snapshot() {
        if (current == null) {
            return Snapshot.IDLE;
        }
        Job job = current;
        double done = Math.min(1, (job.jobNumber + (job.steps > 0 ? (double) job.step / job.steps : 0)) / job.jobCount);
        double elapsed = (nanoTime.getAsLong() - job.startNanos) / 1e9;
        double eta = done > 0 ? elapsed / done - elapsed : 0;
        return new Snapshot(job.name, job.jobNumber, job.jobCount, job.step, job.steps, job.interrupted, done, eta);
    }

    /** Asks the job that runs to stop; its engine sees it at its next step. False if no job runs. */
    public synchronized boolean interrupt() {
        if (current == null) {
            return false;
        }
        current.interrupted = true;
        return true;
    }

    /** One job, as its engine reports it; close it when the job is over, however it ends. */
    public final class Job implements AutoCloseable {
        private final String name;
        private final int jobCount;
        private final long startNanos;
        private int jobNumber;
        private int step;
        private int steps;
        private boolean interrupted;

        private Job(String name, int jobCount, int steps, long startNanos) {
            this.name = name;
            this.jobCount = jobCount;
            this.steps = steps;
            this.startNanos = startNanos;
        }

        /** The running part has done {@code step} of its steps. */
        public void step(int step) {
            synchronized (JobProgress.this) {
                this.step = Math.clamp(step, 0, steps);
            }
        }

        /** Part {@code jobNumber} (from 0) begins, with {@code steps} steps. */
        public void part(int jobNumber, int steps) {
            synchronized (JobProgress.this) {
                this.jobNumber = Math.clamp(jobNumber, 0, jobCount - 1);
                this.steps = Math.max(0, steps);
                this.step = 0;
            }
        }

        /** Whether the job was asked to stop: the engine ends it at the next step it can. */
        public boolean interrupted() {
            synchronized (JobProgress.this) {
                return interrupted;
            }
        }

        /** The job is over: no longer reported, unless another job has taken its place already. */
        @Override
        public void close() {
            synchronized (JobProgress.this) {
                if (current == this) {
                    current = null;
                }
            }
        }
    }
}
