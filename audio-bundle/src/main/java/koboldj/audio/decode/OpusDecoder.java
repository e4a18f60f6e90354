package koboldj.audio.decode;

import java.util.List;

import io.github.jaredmdobson.concentus.OpusException;

/** Ogg/Opus (what browsers record), through Concentus; Opus always decodes at 48 kHz. */
final class OpusDecoder {
    private static final int RATE = 48_000;
    /** The longest Opus packet: 120 ms. */
    private static final int MAX_FRAME = RATE * 120 / 1000;

    private OpusDecoder() {
    }

    static boolean recognizes(List<byte[]> packets) {
        return Ascii.at(packets.get(0), 0, "OpusHead");
    }

    static DecodedAudio decode(List<byte[]> packets, double maxSeconds) throws UnreadableAudioException {
        byte[] head = packets.get(0);
        if (head.length < 19) {
            throw new UnreadableAudioException("The Opus stream's header is cut short.");
        }
        int channels = head[9] & 0xFF;
        int preSkip = (head[10] & 0xFF) | (head[11] & 0xFF) << 8; // decoder warm-up samples to drop
        if (channels < 1 || channels > 2) {
            throw new UnreadableAudioException("The Opus stream has " + channels + " channels; mono and stereo are supported.");
        }
        MonoCollector mono = new MonoCollector(maxSeconds);
        mono.sampleRate(RATE);
        short[] pcm = new short[MAX_FRAME * channels];
        try {
            io.github.jaredmdobson.concentus.OpusDecoder decoder = new io.github.jaredmdobson.concentus.OpusDecoder(RATE, channels);
            int toSkip = preSkip;
            // packet 0 is the identification header, packet 1 the comment header
            for (byte[] packet : packets.subList(Math.min(2, packets.size()), packets.size())) {
                int frames = decoder.decode(packet, 0, packet.length, pcm, 0, MAX_FRAME, false);
                int skip = Math.min(toSkip, frames);
                toSkip -= skip;
                for (int i = skip; i < frames; i++) {
                    float sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += pcm[i * channels + c];
                    }
                    mono.add(sum / (channels * 32768f));
                }
            }
        } catch (OpusException | RuntimeException e) {
            throw new UnreadableAudioException("The Opus stream is damaged: " + e.getMessage(), e);
        }
        return mono.finish("Opus");
    }
}
