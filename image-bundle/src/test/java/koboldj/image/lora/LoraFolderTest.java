package koboldj.image.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraFolderTest {

    @TempDir
    Path root;

    @Test
    void namesAreLookedUpAmongTheFolderFilesAndNeverReachOutside() throws Exception {
        Path folder = Files.createDirectory(root.resolve("loras"));
        Path ink = Files.writeString(folder.resolve("ink.safetensors"), "x");
        Files.writeString(folder.resolve("notes.txt"), "x");
        Files.createDirectory(folder.resolve("sub"));
        Files.writeString(folder.resolve("sub").resolve("deep.safetensors"), "x");
        Files.writeString(root.resolve("outside.safetensors"), "x");
        LoraFolder loras = new LoraFolder(folder);

        assertEquals(List.of(new LoraFolder.Entry("ink", ink.toAbsolutePath())), loras.list());
        assertEquals(ink.toAbsolutePath(), loras.find("ink"));
        assertEquals(ink.toAbsolutePath(), loras.find("ink.safetensors"));
        for (String name : List.of("../outside", "..", "sub/deep", "sub\\deep", "/etc/passwd", folder + "/ink")) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> loras.find(name)).getMessage()
                    .contains("not a file name"), name);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> loras.find("outside")).getMessage()
                .contains("it has ink"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LoraFolder(null).find("ink")).getMessage()
                .contains("--sdloradir"));
        assertEquals(List.of(), new LoraFolder(null).list());
    }
}
