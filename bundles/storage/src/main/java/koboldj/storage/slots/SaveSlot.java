package koboldj.storage.slots;

/**
 * What a client keeps in a save slot; the server stores it as given.
 *
 * @param title  shown in the slot list
 * @param format how the client encoded {@code data} (KoboldAI Lite sends its own name for it)
 * @param data   the saved story, usually Lite's compressed story text
 */
public record SaveSlot(String title, String format, String data) {
}
