package dev.fsnap.cli.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * User and group names for ids in reports (an ACL's {@code user:mallory:rwx}), from the local
 * {@code /etc/passwd} and {@code /etc/group}, read once when first needed. An id without a local
 * name (a directory service's user, another machine's) is written as its number, as
 * {@code getfacl} does.
 */
public final class Principals {
    private static volatile Principals local;
    private final Map<Long, String> users;
    private final Map<Long, String> groups;

    private Principals(Map<Long, String> users, Map<Long, String> groups) {
        this.users = users;
        this.groups = groups;
    }

    public static Principals local() {
        Principals p = local;
        if (p == null) {
            p = new Principals(names(Path.of("/etc/passwd")), names(Path.of("/etc/group")));
            local = p;
        }
        return p;
    }

    /** The names of a passwd- or group-format file by id (third field); empty when it cannot be read. */
    private static Map<Long, String> names(Path file) {
        Map<Long, String> byId = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(":", 4);
                if (f.length >= 3 && !f[0].isEmpty()) {
                    try {
                        byId.putIfAbsent(Long.parseLong(f[2]), f[0]);
                    } catch (NumberFormatException notAnId) {
                        // a comment or a NIS "+" line: not a name
                    }
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // no local names: ids are written as numbers
        }
        return byId;
    }

    public String user(long id) {
        return users.get(id);
    }

    public String group(long id) {
        return groups.get(id);
    }
}
