package koboldj.storage.multiplayer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import koboldj.api.error.ApiException;
import koboldj.storage.story.CompressedStory;
import koboldj.storage.story.StoryFormatException;

/**
 * The one story that every player of a --multiplayer session shares, as KoboldCpp keeps it: the
 * latest compressed story, the format its sender named, and turn counters that tell a client when
 * to fetch it again. A full update starts a new major turn, any other update a new minor one.
 * Updates are applied one at a time, so two setters never get the same turn.
 */
public final class SharedStory {
    /** KoboldCpp's limit on a submitted multiplayer story. */
    public static final int MAX_STORY_CHARS = 3 * 1024 * 1024;
    /** The largest story JSON a submitted story may unpack to. */
    static final int MAX_UNPACKED_BYTES = 64 * 1024 * 1024;
    /** A player counts as active for this long after they said they were busy (KoboldCpp's 6 s). */
    static final Duration ACTIVE_FOR = Duration.ofSeconds(6);
    /** Sender names are client-chosen; longer ones are refused rather than stored. */
    static final int MAX_SENDER_CHARS = 256;

    private final Clock clock;
    private final Map<String, Instant> lastActive = new HashMap<>();
    private String story;
    private String dataFormat = "";
    private int turnMajor = 1;
    private int turnMinor = 1;

    public SharedStory(Clock clock) {
        this.clock = clock;
    }

    /** Where the session stands, as {@code /api/extra/multiplayer/status} and setstory report it. */
    public record Turn(int major, int minor, boolean idle, String dataFormat) {
    }

    /** A story a player submits. */
    public record Update(String data, String dataFormat, String sender, boolean fullUpdate) {
    }

    /**
     * The turn counters, and whether the session is idle from {@code sender}'s view. A sender that
     * says it is busy (generating) keeps the others from seeing the session idle for a while.
     */
    public synchronized Turn status(String sender, boolean senderBusy, boolean engineBusy) {
        checkSender(sender);
        if (!sender.isEmpty() && senderBusy) {
            lastActive.put(sender, clock.instant());
        }
        return turn(sender, engineBusy);
    }

    /** The latest story exactly as it was submitted, or empty before the first one. */
    public synchronized String story() {
        return story == null ? "" : story;
    }

    /** Replaces the story once it is checked to be a compressed Lite story, and advances the turn. */
    public Turn set(Update update, boolean engineBusy) {
        checkSender(update.sender());
        if (update.data() == null || update.data().isEmpty()) {
            throw ApiException.badRequest("data", "No story submitted: 'data' must be the compressed story.");
        }
        if (update.data().length() > MAX_STORY_CHARS) {
            throw ApiException.badRequest("data", "Story is too long: at most " + MAX_STORY_CHARS + " characters.");
        }
        try {
            // outside the lock: unpacking takes a while and does not touch the session
            CompressedStory.decode(update.data(), MAX_UNPACKED_BYTES);
        } catch (StoryFormatException e) {
            throw ApiException.badRequest("data", "Submitted story invalid: " + e.getMessage() + ".");
        }
        synchronized (this) {
            story = update.data();
            dataFormat = update.dataFormat() == null ? "" : update.dataFormat();
            if (!update.sender().isEmpty()) {
                lastActive.put(update.sender(), clock.instant());
            }
            if (update.fullUpdate()) {
                turnMajor++;
                turnMinor = 1;
            } else {
                turnMinor++;
            }
            return turn(update.sender(), engineBusy);
        }
    }

    private Turn turn(String sender, boolean engineBusy) {
        Instant now = clock.instant();
        lastActive.values().removeIf(seen -> !seen.plus(ACTIVE_FOR).isAfter(now));
        boolean othersActive = lastActive.keySet().stream().anyMatch(player -> !player.equals(sender));
        return new Turn(turnMajor, turnMinor, !engineBusy && !othersActive, dataFormat);
    }

    private static void checkSender(String sender) {
        if (sender.length() > MAX_SENDER_CHARS) {
            throw ApiException.badRequest("sender", "'sender' is longer than " + MAX_SENDER_CHARS + " characters.");
        }
    }
}
