package koboldj.launcher;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.Notification;
import javax.management.NotificationEmitter;

/**
 * Collects the old generation once its use has grown well past what its last collection left. The
 * serial collector (bin/koboldj's choice) moves what a young collection finds alive into the old
 * generation and, when that is full, grows it instead of collecting it, up to the maximum heap (a
 * quarter of the machine's memory): the transient arrays of large requests, alive while one is
 * processed, piled up there as garbage, and resident memory rose with every round of them (200 MB
 * in 24 rounds of four 5 MB prompts, with no full collection). This asks for one whenever the old
 * generation holds more than twice what survived the last (at least {@link #FLOOR}); the collector
 * then also shrinks the generation and gives the memory back. Nothing happens under other collectors.
 */
final class OldGenerationGovernor {
    /** The serial collector's old generation, as java.lang.management names it. */
    private static final String SERIAL_OLD_GENERATION = "Tenured Gen";
    private static final long FLOOR = 64L << 20;

    private final MemoryPoolMXBean pool;
    private final AtomicBoolean collecting = new AtomicBoolean();

    private OldGenerationGovernor(MemoryPoolMXBean pool) {
        this.pool = pool;
    }

    /** Watches the serial collector's old generation, if the JVM runs that collector. */
    static void install() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().equals(SERIAL_OLD_GENERATION)
                    && pool.isUsageThresholdSupported()) {
                new OldGenerationGovernor(pool).watch();
            }
        }
    }

    private void watch() {
        pool.setUsageThreshold(FLOOR);
        NotificationEmitter memory = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        memory.addNotificationListener((notification, handback) -> crossed(notification), null, null);
    }

    private void crossed(Notification notification) {
        // the JVM's service thread delivers the notification: the collection runs on a thread of its own
        if (MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())
                && collecting.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("koboldj-old-generation").start(this::collect);
        }
    }

    private void collect() {
        try {
            System.gc();
            long survived = pool.getCollectionUsage().getUsed();
            pool.setUsageThreshold(Math.max(FLOOR, 2 * survived));
        } finally {
            collecting.set(false);
        }
    }
}
