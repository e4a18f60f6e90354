package koboldj.api.text;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives text as it is produced. Called on an engine thread: return quickly, never block. */
@ConsumerType
public interface GenerationListener {

    GenerationListener NONE = piece -> { };

    /** A piece of text: whole UTF-8 characters only, never a stop sequence or a banned phrase. */
    void onText(TextPiece piece);
}
