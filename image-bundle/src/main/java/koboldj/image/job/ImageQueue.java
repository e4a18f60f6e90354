package koboldj.image.job;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.api.image.GeneratedImages;
import koboldj.server.http.JobProgress;

/**
 * The image jobs, one at a time on one worker thread (the networks are not thread-safe), with a
 * bounded wait queue: a request beyond it is refused as busy at once rather than left to wait
 * without end. Other work for the worker (a model switch) queues behind the running job.
 */
final class ImageQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageQueue.class);

    private final int capacity;
    private final JobProgress progress;
    private final Function<QueuedJob, GeneratedImages> runner;
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final Thread worker;
    // guarded by tasks
    private int waitingJobs;
    private QueuedJob running;
    private boolean closed;

    /** @param runner makes the images of a job; runs on the worker */
    ImageQueue(int capacity, JobProgress progress, Function<QueuedJob, GeneratedImages> runner) {
        this.capacity = capacity;
        this.progress = progress;
        this.runner = runner;
        this.worker = Thread.ofPlatform().name("koboldj-image").daemon().start(this::work);
    }

    /** @throws ApiException BUSY when {@code capacity} jobs wait already */
    void submit(QueuedJob job) {
        synchronized (tasks) {
            if (closed) {
                throw new ApiException(ErrorKind.BUSY, "The image engine is shutting down.");
            }
            if (waitingJobs >= capacity) {
                throw new ApiException(ErrorKind.BUSY,
                        "The image engine is busy: " + waitingJobs + " requests wait already; try again later.");
            }
            waitingJobs++;
            tasks.add(new Waiting(job));
            tasks.notifyAll();
        }
    }

    /** Runs {@code task} on the worker once the jobs queued before it are done. */
    void afterQueued(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            tasks.notifyAll();
        }
    }

    /**
     * Runs {@code work} on the worker once the jobs queued before it are done (the networks of the image
     * engine's library never run two at once); the answer fails if the queue closes first.
     */
    <T> CompletableFuture<T> onWorker(Supplier<T> work) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        synchronized (tasks) {
            if (closed) {
                answer.completeExceptionally(new ApiException(ErrorKind.BUSY, "The image engine is shutting down."));
                return answer;
            }
            tasks.add(new Answering<>(work, answer));
            tasks.notifyAll();
        }
        return answer;
    }

    /** The job running now, or null. */
    QueuedJob running() {
        synchronized (tasks) {
            return running;
        }
    }

    /** A waiting job that is cancelled leaves the queue at once. */
    void withdraw(QueuedJob job) {
        synchronized (tasks) {
            if (tasks.removeIf(task -> task instanceof Waiting waiting && waiting.job == job)) {
                waitingJobs--;
                job.future().completeExceptionally(new CancellationException("the client went away"));
            }
        }
    }

    private void work() {
        while (true) {
            Runnable task;
            synchronized (tasks) {
                while (tasks.isEmpty() && !closed) {
                    try {
                        tasks.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                task = tasks.poll();
                if (task instanceof Waiting waiting) {
                    waitingJobs--;
                    running = waiting.job;
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("An image task failed", e);
            } finally {
                synchronized (tasks) {
                    running = null;
                }
            }
        }
    }

    /** Work whose answer someone waits for. */
    private record Answering<T>(Supplier<T> work, CompletableFuture<T> answer) implements Runnable {
        @Override
        public void run() {
            try {
                answer.complete(work.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }
    }

    /** A job's turn on the worker. */
    private final class Waiting implements Runnable {
        private final QueuedJob job;

        Waiting(QueuedJob job) {
            this.job = job;
        }

        @Override
        public void run() {
            if (job.cancelled()) {
                job.future().completeExceptionally(new CancellationException("the client went away"));
                return;
            }
            GenerationSettings settings = job.settings();
            GeneratedImages images;
            try (JobProgress.Job reported = progress.start("txt2img", settings.images(), settings.plan().steps())) {
                job.started(reported);
                images = runner.apply(job);
            } catch (ApiException e) {
                job.future().completeExceptionally(e);
                return;
            } catch (RuntimeException e) {
                if (job.cancelled()) {
                    job.future().completeExceptionally(whyCancelled());
                    return;
                }
                LOG.error("An image job failed", e);
                job.future().completeExceptionally(e);
                return;
            }
            // completed once the progress report is closed, so that a client that got its images sees no job running
            if (job.cancelled()) {
                job.future().completeExceptionally(whyCancelled());
            } else {
                job.future().complete(images);
            }
        }
    }

    /**
     * A job is cancelled when its client went away, or when the engine stops under it (its bundle
     * was taken out, the model switched): that client is still there and is told so, as a 503.
     */
    private RuntimeException whyCancelled() {
        synchronized (tasks) {
            return closed ? new ApiException(ErrorKind.CAPABILITY_MISSING,
                    "The image model was unloaded while this job ran; send it again once an image model is loaded.")
                    : new CancellationException("the client went away");
        }
    }

    @Override
    public void close() {
        synchronized (tasks) {
            closed = true;
            for (Runnable task : tasks) {
                if (task instanceof Answering<?> answering) {
                    answering.answer().completeExceptionally(
                            new ApiException(ErrorKind.BUSY, "The image engine was stopped."));
                }
                if (task instanceof Waiting waiting) {
                    waiting.job.future().completeExceptionally(
                            new ApiException(ErrorKind.BUSY, "The image engine was stopped."));
                }
            }
            tasks.clear();
            tasks.notifyAll();
        }
        QueuedJob current = running();
        if (current != null) {
            current.cancel();
        }
        try {
            worker.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
