package koboldj.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Progress as A1111 reports it: parts of steps, an estimate from the pace so far, and interrupts. */
class JobProgressTest {
    private final AtomicLong now = new AtomicLong();
    private final JobProgress progress = new JobProgress(now::get);

    @Test
    void withoutAJobNothingRunsAndNothingIsInterrupted() {
        JobProgress.Snapshot idle = progress.snapshot();
        assertFalse(idle.running());
        assertEquals(0, idle.progress());
        assertEquals(0, idle.etaSeconds());
        assertFalse(progress.interrupt());
    }

    @Test
    void progressCountsTheDonePartsAndTheStepsOfTheRunningOne() {
        try (JobProgress.Job job = progress.start("txt2img", 2, 20)) {
            assertSnapshot("txt2img", 0, 2, 0, 20, 0.0, progress.snapshot());
            job.step(10);
            assertSnapshot("txt2img", 0, 2, 10, 20, 0.25, progress.snapshot());
            job.part(1, 20);
            job.step(10);
            assertSnapshot("txt2img", 1, 2, 10, 20, 0.75, progress.snapshot());
            job.step(25);
            assertEquals(1.0, progress.snapshot().progress(), "a step past the last counts as the last");
        }
        assertFalse(progress.snapshot().running(), "a closed job is no longer reported");
    }

    @Test
    void theEstimateIsTheTimeStillToGoAtThePaceSoFar() {
        try (JobProgress.Job job = progress.start("txt2img", 1, 10)) {
            now.addAndGet(TimeUnit.SECONDS.toNanos(3));
            assertEquals(0, progress.snapshot().etaSeconds(), "nothing done: no pace yet");
            job.step(3);
            assertEquals(7.0, progress.snapshot().etaSeconds(), 1e-9);
        }
    }

    @Test
    void anInterruptReachesTheRunningJobOnly() {
        try (JobProgress.Job job = progress.start("txt2img", 1, 10)) {
            assertFalse(job.interrupted());
            assertTrue(progress.interrupt());
            assertTrue(job.interrupted());
            assertTrue(progress.snapshot().interrupted());
        }
        try (JobProgress.Job next = progress.start("img2img", 1, 10)) {
            assertFalse(next.interrupted(), "a new job starts uninterrupted");
        }
    }

    @Test
    void aJobStartedLaterIsReportedAndClosingTheEarlierOneLeavesIt() {
        JobProgress.Job first = progress.start("first", 1, 10);
        try (JobProgress.Job second = progress.start("second", 1, 10)) {
            first.close();
            assertEquals("second", progress.snapshot().job());
        }
    }

    @Test
    void aJobHasAPart() {
        assertThrows(IllegalArgumentException.class, () -> progress.start("none", 0, 10));
    }

    @Test
    void readersSeeWholeReportsWhileTheEngineSteps() throws Exception {
        JobProgress.Job job = progress.start("txt2img", 4, 100);
        List<String> torn = new ArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 20_000; i++) {
                JobProgress.Snapshot seen = progress.snapshot();
                double expected = (seen.jobNumber() + (double) seen.step() / seen.steps()) / seen.jobCount();
                if (seen.step() > seen.steps() || Math.abs(expected - seen.progress()) > 1e-12) {
                    synchronized (torn) {
                        torn.add(seen.toString());
                    }
                }
            }
        });
        for (int part = 0; part < 4; part++) {
            job.part(part, 100 - part);
            for (int step = 1; step <= 100 - part; step++) {
                job.step(step);
            }
        }
        reader.join();
        job.close();
        assertEquals(List.of(), torn);
    }

    private static void assertSnapshot(String job, int jobNumber, int jobCount, int step, int steps, double done,
            JobProgress.Snapshot seen) {
        assertTrue(seen.running());
        assertEquals(job, seen.job());
        assertEquals(jobNumber, seen.jobNumber());
        assertEquals(jobCount, seen.jobCount());
        assertEquals(step, seen.step());
        assertEquals(steps, seen.steps());
        assertEquals(done, seen.progress(), 1e-9);
        assertFalse(seen.interrupted());
    }
}
