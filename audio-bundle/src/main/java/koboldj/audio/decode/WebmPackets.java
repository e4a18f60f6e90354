package koboldj.audio.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Opus packets of a WebM (Matroska) file's first audio track, as Chrome's recorder writes it.
 * Elements are read as a flat stream: the containers that matter are entered rather than skipped,
 * which also reads the segments and clusters of unknown size a live recorder leaves behind.
 */
final class WebmPackets {
    private static final long EBML = 0x1A45DFA3L;
    private static final long SEGMENT = 0x18538067L;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long TRACK_ENTRY = 0xAEL;
    private static final long TRACK_NUMBER = 0xD7L;
    private static final long TRACK_TYPE = 0x83L;
    private static final long CODEC_ID = 0x86L;
    private static final long CODEC_PRIVATE = 0x63A2L;
    private static final long BLOCK_GROUP = 0xA0L;
    private static final long BLOCK = 0xA1L;
    private static final long SIMPLE_BLOCK = 0xA3L;
    private static final long AUDIO_TRACK = 2;
    private static final Set<Long> ENTERED = Set.of(SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP);

    private final byte[] file;
    private int position;

    private WebmPackets(byte[] file) {
        this.file = file;
    }

    static boolean recognizes(byte[] file) {
        return file.length >= 4 && (file[0] & 0xFF) == 0x1A && (file[1] & 0xFF) == 0x45 && (file[2] & 0xFF) == 0xDF
                && (file[3] & 0xFF) == 0xA3;
    }

    /** The track's Opus packets as Ogg would carry them: the OpusHead (WebM's CodecPrivate), an empty tags packet, the audio. */
    static List<byte[]> opus(byte[] file) throws UnreadableAudioException {
        return new WebmPackets(file).read();
    }

    private List<byte[]> read() throws UnreadableAudioException {
        long audioTrack = -1;
        long entryNumber = -1;
        long entryType = -1;
        String entryCodec = "";
        byte[] entryPrivate = null;
        List<byte[]> packets = new ArrayList<>();
        while (position < file.length) {
            long id = id();
            long size = size();
            int start = position;
            if (ENTERED.contains(id)) {
                if (id == TRACK_ENTRY) {
                    entryNumber = -1;
                    entryType = -1;
                    entryCodec = "";
                    entryPrivate = null;
                }
                continue;
            }
            if (size < 0 || size > file.length - start) {
                throw new UnreadableAudioException("The WebM file is cut short.");
            }
            int length = (int) size;
            if (id == TRACK_NUMBER) {
                entryNumber = unsigned(start, length);
            } else if (id == TRACK_TYPE) {
                entryType = unsigned(start, length);
            } else if (id == CODEC_ID) {
                entryCodec = new String(file, start, length, java.nio.charset.StandardCharsets.US_ASCII).trim();
            } else if (id == CODEC_PRIVATE) {
                entryPrivate = java.util.Arrays.copyOfRange(file, start, start + length);
            } else if ((id == SIMPLE_BLOCK || id == BLOCK) && audioTrack > 0) {
                addBlock(packets, audioTrack, start, length);
            }
            position = start + length;
            if (audioTrack < 0 && entryType == AUDIO_TRACK && entryNumber > 0 && !entryCodec.isEmpty()) {
                if (!entryCodec.equals("A_OPUS")) {
                    throw new UnreadableAudioException("The WebM file's audio is " + entryCodec + "; only Opus is read.");
                }
                if (entryPrivate != null) {
                    audioTrack = entryNumber;
                    packets.add(entryPrivate);
                    packets.add(new byte[0]);
                }
            }
        }
        if (audioTrack < 0) {
            throw new UnreadableAudioException("The WebM file has no audio track.");
        }
        if (packets.size() <= 2) {
            throw new UnreadableAudioException("The WebM file holds no audio.");
        }
        return packets;
    }

    /** A block: track number (a variable-length integer), a 16-bit time, flags, then the frame. */
    private void addBlock(List<byte[]> packets, long audioTrack, int start, int length) throws UnreadableAudioException {
        position = start;
        long track = size();
        int header = position - start + 3;
        if (header > length) {
            throw new UnreadableAudioException("The WebM file has a damaged block.");
        }
        int flags = file[position + 2] & 0xFF;
        if (track != audioTrack) {
            return;
        }
        if ((flags & 0x06) != 0) {
            throw new UnreadableAudioException("The WebM file packs several frames per block (lacing), which is not read.");
        }
        byte[] packet = new byte[length - header];
        System.arraycopy(file, start + header, packet, 0, packet.length);
        packets.add(packet);
    }

    /** An element ID: a variable-length integer that keeps its length marker. */
    private long id() throws UnreadableAudioException {
        int first = next();
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || length > 4) {
            throw new UnreadableAudioException("The WebM file is damaged (a bad element ID).");
        }
        long value = first;
        for (int i = 1; i < length; i++) {
            value = value << 8 | next();
        }
        return value;
    }

    /** A size: a variable-length integer without its marker; all ones means unknown (-1). */
    private long size() throws UnreadableAudioException {
        int first = next();
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || length > 8) {
            throw new UnreadableAudioException("The WebM file is damaged (a bad element size).");
        }
        long value = first & (0xFF >> length);
        boolean unknown = value == (0xFF >> length);
        for (int i = 1; i < length; i++) {
            int b = next();
            unknown &= b == 0xFF;
            value = value << 8 | b;
        }
        return unknown ? -1 : value;
    }

    private int next() throws UnreadableAudioException {
        if (position >= file.length) {
            throw new UnreadableAudioException("The WebM file is cut short.");
        }
        return file[position++] & 0xFF;
    }

    private long unsigned(int start, int length) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = value << 8 | (file[start + i] & 0xFF);
        }
        return value;
    }
}
