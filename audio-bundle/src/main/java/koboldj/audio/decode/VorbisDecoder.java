package koboldj.audio.decode;

import java.util.List;

import com.jcraft.jogg.Packet;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;

/** Ogg/Vorbis, through JOrbis. */
final class VorbisDecoder {
    private static final int HEADERS = 3;

    private VorbisDecoder() {
    }

    static boolean recognizes(List<byte[]> packets) {
        byte[] first = packets.get(0);
        return first.length > 7 && first[0] == 1 && Ascii.at(first, 1, "vorbis");
    }

    static DecodedAudio decode(List<byte[]> packets, double maxSeconds) throws UnreadableAudioException {
        if (packets.size() < HEADERS) {
            throw new UnreadableAudioException("The Vorbis stream is cut short within its headers.");
        }
        Info info = new Info();
        Comment comment = new Comment();
        info.init();
        comment.init();
        for (int i = 0; i < HEADERS; i++) {
            if (info.synthesis_headerin(comment, packet(packets.get(i), i == 0)) < 0) {
                throw new UnreadableAudioException("The Vorbis stream's header " + (i + 1) + " is damaged.");
            }
        }
        if (info.channels < 1) {
            throw new UnreadableAudioException("The Vorbis stream has no channels.");
        }
        MonoCollector mono = new MonoCollector(maxSeconds);
        mono.sampleRate(info.rate);
        DspState dsp = new DspState();
        dsp.synthesis_init(info);
        Block block = new Block(dsp);
        float[][][] pcm = new float[1][][];
        int[] offsets = new int[info.channels];
        try {
            for (byte[] bytes : packets.subList(HEADERS, packets.size())) {
                if (block.synthesis(packet(bytes, false)) != 0) {
                    continue; // not an audio packet
                }
                dsp.synthesis_blockin(block);
                int frames;
                while ((frames = dsp.synthesis_pcmout(pcm, offsets)) > 0) {
                    for (int i = 0; i < frames; i++) {
                        float sum = 0;
                        for (int c = 0; c < info.channels; c++) {
                            sum += pcm[0][c][offsets[c] + i];
                        }
                        mono.add(Math.clamp(sum / info.channels, -1f, 1f));
                    }
                    dsp.synthesis_read(frames);
                }
            }
        } catch (RuntimeException e) {
            throw new UnreadableAudioException("The Vorbis stream is damaged: " + e.getMessage(), e);
        }
        return mono.finish("Vorbis");
    }

    private static Packet packet(byte[] bytes, boolean first) {
        Packet packet = new Packet();
        packet.packet_base = bytes;
        packet.packet = 0;
        packet.bytes = bytes.length;
        packet.b_o_s = first ? 1 : 0;
        return packet;
    }
}
