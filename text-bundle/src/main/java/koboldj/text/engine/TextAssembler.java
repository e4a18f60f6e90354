package koboldj.text.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import koboldj.text.phrases.BannedPhrases;

/**
 * Turns the bytes of sampled tokens into text a client may see. Only whole UTF-8 characters are
 * released (a token can end inside one), and text that could still become a stop sequence is held
 * back until it either completes one — then generation stops there — or can no longer.
 *
 * <p>Text that could still become a banned phrase is held back too, from the start of the token
 * where it begins, so that when the phrase completes the generation can back up to that token
 * ({@link #rollback}) without taking back anything the client saw.
 *
 * <p>Not thread-safe: owned by one generation, on the engine thread stepping it.
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
    private final BannedPhrases phrases;
    /** Per token added: the text length after it. */
    private final IntList textEnds = new IntList(64);
    /** Per token added: the bytes of an unfinished character left after it, packed by {@link #pack}. */
    private final IntList pendingAfter = new IntList(64);
    /** The token where a banned phrase begins, once one has completed; else -1. */
    private int bannedFrom = -1;

    TextAssembler(List<String> stops, boolean trimStop) {
        this(stops, trimStop, BannedPhrases.NONE);
    }

    TextAssembler(List<String> stops, boolean trimStop, BannedPhrases phrases) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.trimStop = trimStop;
        this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
        this.phrases = phrases;
    }

    /** An assembler in this one's state that goes on by itself: a beam search's child beam. */
    TextAssembler copy() {
        TextAssembler copy = new TextAssembler(stops, trimStop, phrases);
        copy.text.append(text);
        copy.pending = pending.clone();
        copy.pendingLength = pendingLength;
        copy.released = released;
        copy.matchedStop = matchedStop;
        copy.textEnds.addAll(textEnds);
        copy.pendingAfter.addAll(pendingAfter);
        copy.bannedFrom = bannedFrom;
        return copy;
    }

    /**
     * Adds one token's bytes (empty for a token that renders nothing); returns the text that became
     * releasable (often empty). Check {@link #bannedFrom()} afterwards.
     */
    String add(byte[] bytes) {
        String out = append(bytes);
        textEnds.add(text.length());
        pendingAfter.add(pack(pending, pendingLength));
        return out;
    }

    private String append(byte[] bytes) {
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

    /**
     * The index (0 = the first token added) of the token where a banned phrase begins, once the
     * last token added completed one; -1 otherwise. Nothing of that token was released.
     */
    int bannedFrom() {
        return bannedFrom;
    }

    /** Forgets token {@code token} and every later one, as if they had never been added. */
    void rollback(int token) {
        int keep = token == 0 ? 0 : textEnds.get(token - 1);
        int packed = token == 0 ? 0 : pendingAfter.get(token - 1);
        if (keep < released) {
            throw new IllegalStateException("cannot take back released text");
        }
        text.setLength(keep);
        pendingLength = packed >>> 24;
        for (int i = 0; i < pendingLength; i++) {
            pending[i] = (byte) (packed >>> (16 - 8 * i));
        }
        textEnds.truncate(token);
        pendingAfter.truncate(token);
        bannedFrom = -1;
    }

    /** Up to three bytes of an unfinished character and their count, in one int. */
    private static int pack(byte[] bytes, int length) {
        int packed = length << 24;
        for (int i = 0; i < length; i++) {
            packed |= (bytes[i] & 0xff) << (16 - 8 * i);
        }
        return packed;
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
        int phraseHold = text.length();
        if (phrases.watchesText()) {
            BannedPhrases.Scan scan = phrases.scan(text, released);
            if (scan.matchAt() >= 0) {
                bannedFrom = tokenOf(scan.matchAt());
                return "";
            }
            phraseHold = scan.holdFrom();
        }
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
        int holdFrom = Math.min(text.length() - heldBack(), phraseHold);
        if (phrases.watchesText() && holdFrom < text.length()) {
            // release whole tokens only, so that backing up to a token never takes back released text
            int token = tokenOf(holdFrom);
            holdFrom = token == 0 ? 0 : textEnds.get(token - 1);
        }
        if (holdFrom <= released) {
            return "";
        }
        String out = text.substring(released, holdFrom);
        released = holdFrom;
        return out;
    }

    /**
     * Index of the token that produced the character at {@code offset}; the token being added
     * (not yet in {@link #textEnds}) if no earlier one did.
     */
    private int tokenOf(int offset) {
        int token = textEnds.size();
        while (token > 0 && textEnds.get(token - 1) > offset) {
            token--;
        }
        return token;
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
