package koboldj.admin.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

class AdminFolderTest {
    @TempDir
    Path temp;
    private Path folder;
    private AdminFolder admin;

    @BeforeEach
    void files() throws Exception {
        folder = Files.createDirectories(temp.resolve("admin"));
        Files.writeString(folder.resolve("b.kcpps"), "{}");
        Files.writeString(folder.resolve("A.KCPPT"), "{}");
        Files.writeString(folder.resolve("m.gguf"), "x");
        Files.writeString(folder.resolve("readme.txt"), "x");
        Files.createDirectories(folder.resolve("dir.kcpps"));
        Path outside = Files.writeString(temp.resolve("secret.kcpps"), "{}");
        Files.createSymbolicLink(folder.resolve("out.kcpps"), outside);
        Files.createSymbolicLink(folder.resolve("alias.kcpps"), folder.resolve("b.kcpps"));
        admin = new AdminFolder(folder);
    }

    @Test
    void listsOptionFilesInsideTheFolderThenUnloadModel() throws Exception {
        assertEquals(List.of("A.KCPPT", "alias.kcpps", "b.kcpps", "m.gguf", "unload_model"), admin.options());
    }

    @Test
    void resolvesPlainNamesToTheirRealPath() throws Exception {
        assertEquals(folder.resolve("b.kcpps").toRealPath(), admin.resolve("b.kcpps"));
        assertEquals(folder.resolve("b.kcpps").toRealPath(), admin.resolve("alias.kcpps"), "a link inside stays inside");
    }

    @Test
    void refusesEverythingElse() {
        for (String name : new String[] {"../secret.kcpps", temp.resolve("secret.kcpps").toString(), "out.kcpps",
                "dir.kcpps", "readme.txt", "..", ".", "a\\b.kcpps", "x/../b.kcpps", "", " "}) {
            ApiException e = assertThrows(ApiException.class, () -> admin.resolve(name), name);
            assertEquals(ErrorKind.BAD_REQUEST, e.kind(), name);
            assertEquals("filename", e.param(), name);
        }
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(ApiException.class, () -> admin.resolve("none.kcpps")).kind());
        assertEquals(ErrorKind.BAD_REQUEST, assertThrows(ApiException.class, () -> admin.resolve(null)).kind());
    }
}
