package koboldj.audio.decode;

import java.util.List;

/**
 * Any supported upload to the mono samples a speech model wants: the container is told by its
 * first bytes (never by a name or a declared type), decoded, mixed down and resampled.
 */
public final class AudioDecoding {
    private AudioDecoding() {
    }

    /**
     * @param maxSeconds longest audio accepted
     * @throws UnreadableAudioException naming what is wrong with the file
     */
    public static DecodedAudio decode(byte[] file, int targetRate, double maxSeconds) throws UnreadableAudioException {
        return Resampler.resample(decodeNative(file, maxSeconds), targetRate);
    }

    static DecodedAudio decodeNative(byte[] file, double maxSeconds) throws UnreadableAudioException {
        if (file == null || file.length == 0) {
            throw new UnreadableAudioException("The audio is empty.");
        }
        if (WavDecoder.recognizes(file)) {
            return WavDecoder.decode(file, maxSeconds);
        }
        if (FlacDecoder.recognizes(file)) {
            return FlacDecoder.decode(file, maxSeconds);
        }
        if (OggPackets.recognizes(file)) {
            List<byte[]> packets = OggPackets.read(file);
            if (OpusDecoder.recognizes(packets)) {
                return OpusDecoder.decode(packets, maxSeconds);
            }
            if (VorbisDecoder.recognizes(packets)) {
                return VorbisDecoder.decode(packets, maxSeconds);
            }
            throw new UnreadableAudioException("The Ogg file holds neither Opus nor Vorbis audio.");
        }
        if (WebmPackets.recognizes(file)) {
            return OpusDecoder.decode(WebmPackets.opus(file), maxSeconds);
        }
        if (Mp3Decoder.recognizes(file)) {
            return Mp3Decoder.decode(file, maxSeconds);
        }
        throw new UnreadableAudioException("The upload is not audio this server reads: send WAV, MP3, OGG (Opus or Vorbis), WebM (Opus) or FLAC.");
    }
}
