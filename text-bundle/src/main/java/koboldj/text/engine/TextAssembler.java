package koboldj.text.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the bytes of sampled tokens into text a client may see. Only whole UTF-8 characters are
 * released (a token can end inside one), and text that could still become a stop sequence is held
 * back until it either completes one — then generation stops there — or can no longer.
 *
 * <p>Not thread-safe: owned by one generation on the engine thread.
 */
final class TextAssembler {
    private final List<String> stops;
    private final boolean trimStop;
    private final int longestStop;
    private final StringBuilder text = new StringBuilder();
    private byte[] pending = new byte[8];
    private int pendingLength;
    private int released;
    private String matchedStop;

    TextAssembler(List<String> stops, boolean trimStop) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.trimStop = trimStop;
        this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds one token's bytes; returns the text that became releasable (often empty). */
    String add(byte[] bytes) {
        if (matchedStop != null) {
            return "";
        }
        if (pendingLength + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        int complete = completeLength(pending, pendingLength);
        if (complete == 0) {
            return "";
        }
        int searchFrom = Math.max(0, text.length() - longestStop);
        text.append(new String(pending, 0, complete, StandardCharsets.UTF_8));
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return release(searchFrom);
    }

    /** Whether a stop sequence has been produced; nothing more is accepted then. */
    boolean stopped() {
        return matchedStop != null;
    }

    /** The stop sequence that ended the text, or null. */
    String matchedStop() {
        return matchedStop;
    }

    /** Ends the text: what was held back is released (bytes of an unfinished character become U+FFFD). */
    String finish() {
        if (matchedStop == null && pendingLength > 0) {
            text.append(new String(pending, 0, pendingLength, StandardCharsets.UTF_8));
            pendingLength = 0;
        }
        String rest = text.substring(Math.min(released, text.length()));
        released = text.length();
        return rest;
    }

    /** All text so far, as the result reports it. */
    String text() {
        return text.toString();
    }

    /** Text already handed to the client. */
    String releasedText() {
        return text.substring(0, released);
    }

    private String release(int searchFrom) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, searchFrom);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
                matchedStop = stop;
            }
        }
        if (first >= 0) {
            text.setLength(trimStop ? first : first + matchedStop.length());
            String out = text.substring(Math.min(released, text.length()));
            released = text.length();
            return out;
        }
        int holdFrom = text.length() - heldBack();
        if (holdFrom <= released) {
            return "";
        }
        String out = text.substring(released, holdFrom);
        released = holdFrom;
        return out;
    }

    /** Length of the longest end of the text that is the start of a stop sequence. */
    private int heldBack() {
        int longest = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, text.length()); k > longest; k--) {
                if (endsWith(stop, k)) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    private boolean endsWith(String stop, int k) {
        int offset = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(offset + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** How many leading bytes form whole UTF-8 characters; an unfinished one at the end is kept. */
    static int completeLength(byte[] bytes, int length) {
        for (int back = 1; back <= Math.min(3, length); back++) {
            int b = bytes[length - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // continuation byte: look further back for its lead
            }
            int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return needed > back ? length - back : length;
        }
        return length;
    }
}
