package koboldj.storage.slots;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;

/**
 * KoboldCpp's server-side save slots (--savedatafile), kept in an H2 database file so that a save
 * survives restarts and a crash mid-write cannot leave a half-written file. There are
 * {@link #SLOTS} numbered slots, as in KoboldCpp, each holding at most {@link #MAX_DATA_CHARS} of
 * story. One connection serves every request, one at a time: saves are rare and small.
 */
public final class SaveSlots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SaveSlots.class);
    /** KoboldCpp's net_save_slots. */
    public static final int SLOTS = 12;
    /** KoboldCpp's limit on one saved story. */
    public static final int MAX_DATA_CHARS = 10 * 1024 * 1024;
    public static final int MAX_TITLE_CHARS = 1024;
    public static final int MAX_FORMAT_CHARS = 64;
    /** The title KoboldCpp gives a save sent without one. */
    static final String UNTITLED = "Untitled Save";
    /** H2 names its file after the database with this ending. */
    static final String H2_SUFFIX = ".mv.db";

    private final Connection connection;
    private final Path file;

    private SaveSlots(Connection connection, Path file) {
        this.connection = connection;
        this.file = file;
    }

    /**
     * Opens the database file, creating it (and its folder) if absent. H2 files end in .mv.db: a
     * name without that ending gets it appended, as KoboldCpp appends .jsondb to its own.
     */
    public static SaveSlots open(Path requested) throws SQLException, IOException {
        Path absolute = requested.toAbsolutePath().normalize();
        String name = absolute.getFileName().toString();
        String base = name.endsWith(H2_SUFFIX) ? name.substring(0, name.length() - H2_SUFFIX.length()) : name;
        if (base.isEmpty()) {
            throw new IOException("--savedatafile needs a file name before " + H2_SUFFIX);
        }
        if (absolute.toString().contains(";")) {
            // H2 reads what follows a ';' in its URL as settings
            throw new IOException("--savedatafile cannot contain ';'");
        }
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        JdbcDataSource source = new JdbcDataSource();
        // WRITE_DELAY=0: a save is on disk when the client hears success, not up to 0.5 s later
        source.setURL("jdbc:h2:file:" + folder.resolve(base) + ";WRITE_DELAY=0");
        source.setUser("koboldj");
        source.setPassword("");
        Connection connection = source.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS save_slot (
                        slot INT PRIMARY KEY,
                        title VARCHAR(%d) NOT NULL,
                        format VARCHAR(%d) NOT NULL,
                        data CHARACTER LARGE OBJECT NOT NULL,
                        saved_at TIMESTAMP WITH TIME ZONE NOT NULL)""".formatted(MAX_TITLE_CHARS, MAX_FORMAT_CHARS));
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new SaveSlots(connection, folder.resolve(base + H2_SUFFIX));
    }

    /** The database file on disk. */
    public Path file() {
        return file;
    }

    /** The title of every slot in order, "" for an empty one (KoboldCpp's /api/extra/data/list). */
    public synchronized List<String> titles() {
        List<String> titles = new ArrayList<>(Collections.nCopies(SLOTS, ""));
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT slot, title FROM save_slot")) {
            while (rows.next()) {
                int slot = rows.getInt(1);
                if (slot >= 0 && slot < SLOTS) {
                    titles.set(slot, rows.getString(2));
                }
            }
        } catch (SQLException e) {
            throw failed("list the save slots", e);
        }
        return titles;
    }

    /** The save in {@code slot}, or empty when that slot was never saved to or was erased. */
    public synchronized Optional<SaveSlot> load(int slot) {
        checkSlot(slot);
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT title, format, data FROM save_slot WHERE slot = ?")) {
            select.setInt(1, slot);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new SaveSlot(row.getString(1), row.getString(2), row.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read save slot " + slot, e);
        }
    }

    /** Stores a save in {@code slot}, replacing what was there; a blank title becomes "Untitled Save". */
    public synchronized void save(int slot, SaveSlot save) {
        checkSlot(slot);
        String title = save.title() == null || save.title().isBlank() ? UNTITLED : save.title();
        String format = save.format() == null ? "" : save.format();
        if (save.data() == null || save.data().isEmpty()) {
            throw ApiException.badRequest("data", "No story submitted: 'data' is empty.");
        }
        if (save.data().length() > MAX_DATA_CHARS) {
            throw ApiException.badRequest("data", "Story is too long: at most " + MAX_DATA_CHARS + " characters.");
        }
        if (title.length() > MAX_TITLE_CHARS) {
            throw ApiException.badRequest("title", "'title' is longer than " + MAX_TITLE_CHARS + " characters.");
        }
        if (format.length() > MAX_FORMAT_CHARS) {
            throw ApiException.badRequest("format", "'format' is longer than " + MAX_FORMAT_CHARS + " characters.");
        }
        try (PreparedStatement merge = connection.prepareStatement(
                "MERGE INTO save_slot (slot, title, format, data, saved_at) KEY (slot) VALUES (?, ?, ?, ?, ?)")) {
            merge.setInt(1, slot);
            merge.setString(2, title);
            merge.setString(3, format);
            merge.setString(4, save.data());
            merge.setTimestamp(5, Timestamp.from(Instant.now()));
            merge.executeUpdate();
        } catch (SQLException e) {
            throw failed("write save slot " + slot, e);
        }
    }

    /** Empties {@code slot}; returns whether it held a save. */
    public synchronized boolean erase(int slot) {
        checkSlot(slot);
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM save_slot WHERE slot = ?")) {
            delete.setInt(1, slot);
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("erase save slot " + slot, e);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw ApiException.badRequest("slot", "No such slot " + slot + ": slots are 0 to " + (SLOTS - 1) + ".");
        }
    }

    private static ApiException failed(String what, SQLException e) {
        LOG.error("Could not {}", what, e);
        return new ApiException(ErrorKind.INTERNAL, "Could not " + what + ": the save database failed; the server log says why.");
    }
}
