package koboldj.storage.slots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.error.ApiException;

class SaveSlotsTest {
    @TempDir
    Path folder;

    @Test
    void savesListsLoadsAndErases() throws Exception {
        try (SaveSlots slots = SaveSlots.open(folder.resolve("saves"))) {
            assertEquals(Collections.nCopies(SaveSlots.SLOTS, ""), slots.titles());
            slots.save(3, new SaveSlot("My tale", "kcpp_lzma_b64", "XQAAAQ"));
            slots.save(0, new SaveSlot("", "", "x"));
            List<String> titles = slots.titles();
            assertEquals("My tale", titles.get(3));
            assertEquals("Untitled Save", titles.get(0));
            assertEquals(Optional.of(new SaveSlot("My tale", "kcpp_lzma_b64", "XQAAAQ")), slots.load(3));
            assertEquals(Optional.empty(), slots.load(5));
            slots.save(3, new SaveSlot("Second draft", "json", "y"));
            assertEquals("Second draft", slots.load(3).orElseThrow().title());
            assertTrue(slots.erase(3));
            assertFalse(slots.erase(3));
            assertEquals(Optional.empty(), slots.load(3));
        }
    }

    @Test
    void aSaveSurvivesClosingAndReopeningTheFile() throws Exception {
        Path file = folder.resolve("nested/dir/stories.mv.db");
        String story = "ü".repeat(100_000);
        try (SaveSlots slots = SaveSlots.open(file)) {
            slots.save(11, new SaveSlot("Kept", "json", story));
            assertEquals(file, slots.file());
        }
        assertTrue(Files.isRegularFile(file), "the database is the named file");
        try (SaveSlots slots = SaveSlots.open(file)) {
            assertEquals(story, slots.load(11).orElseThrow().data());
        }
    }

    @Test
    void refusesSlotsOutsideTheTwelveAndOversizedFields() throws Exception {
        try (SaveSlots slots = SaveSlots.open(folder.resolve("limits"))) {
            assertEquals("slot", assertThrows(ApiException.class, () -> slots.load(12)).param());
            assertEquals("slot", assertThrows(ApiException.class, () -> slots.save(-1, new SaveSlot("t", "", "d"))).param());
            assertEquals(400, assertThrows(ApiException.class, () -> slots.erase(99)).kind().status());
            String tooLong = "x".repeat(SaveSlots.MAX_DATA_CHARS + 1);
            assertTrue(assertThrows(ApiException.class, () -> slots.save(1, new SaveSlot("t", "", tooLong)))
                    .getMessage().contains("too long"));
            assertEquals("title", assertThrows(ApiException.class,
                    () -> slots.save(1, new SaveSlot("t".repeat(SaveSlots.MAX_TITLE_CHARS + 1), "", "d"))).param());
            assertEquals("format", assertThrows(ApiException.class,
                    () -> slots.save(1, new SaveSlot("t", "f".repeat(SaveSlots.MAX_FORMAT_CHARS + 1), "d"))).param());
            assertEquals(Collections.nCopies(SaveSlots.SLOTS, ""), slots.titles(), "nothing was stored");
        }
    }

    @Test
    void aPathThatWouldCarryH2SettingsIsRefused() {
        assertTrue(assertThrows(java.io.IOException.class, () -> SaveSlots.open(folder.resolve("x;IFEXISTS=TRUE")))
                .getMessage().contains("';'"));
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedAtOpen() throws Exception {
        Path file = folder.resolve("old.jsondb.mv.db");
        Files.writeString(file, "{\"0\": {\"title\": \"from KoboldCpp\"}}");
        assertThrows(Exception.class, () -> SaveSlots.open(file).close());
    }
}
