package dev.fsnap.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.List;

import static dev.fsnap.cli.CliTest.changes;
import static dev.fsnap.cli.CliTest.fsnap;
import static dev.fsnap.cli.CliTest.sh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an intruder changes outside {@code struct stat}, set with the real tools on a real ext4
 * filesystem on a loop device ({@code setcap}, {@code setfacl}, {@code setfattr}, {@code chattr}),
 * and reported by {@code check --integrity} as a modification of exactly that field with old and new
 * values, in text (as {@code getcap} and {@code getfacl} write them) and JSON; and each removal.
 */
class XattrCheckTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final Ext4Mount ext4 = new Ext4Mount();

    private static String output(String script, String... args) throws Exception {
        StringBuilder out = new StringBuilder();
        assertEquals(0, sh(script, out, args), out.toString());
        return out.toString().strip();
    }

    private static String jsonLine(String json, String path) {
        return json.lines().filter(l -> l.contains("\"path\":\"" + path + "\",")).findFirst().orElseThrow();
    }

    @BeforeEach
    void requireTheTools() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "setcap and setfattr -n security.* need root");
        for (String tool : List.of("setcap", "getcap", "setfacl", "getfacl", "setfattr", "chattr", "mkfs.ext4")) {
            assumeTrue(sh("command -v " + tool) == 0, tool + " is not installed (libcap2-bin, acl, attr, e2fsprogs)");
        }
    }

    @Test
    void eachSecurityAttributeIsReportedAsItsFieldWithOldAndNewValuesAndSoIsItsRemoval() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        Files.createDirectories(root.resolve("finance"));
        for (String name : List.of("tool", "data", "label", "binary", "locked", "log")) {
            Files.writeString(root.resolve(name), name);
        }
        Files.createSymbolicLink(root.resolve("link"), Path.of("tool"));
        Path s1 = dir.resolve("s1.snap");
        CliTest.Run first = fsnap("scan", root.toString(), "--integrity", "-o", s1.toString());
        assertEquals(0, first.status(), first.err());

        // What an intruder or a careless admin does; a name and a value that are not UTF-8 among them.
        String set = "cd \"$1\" && setcap cap_setuid+ep tool && setfacl -m u:nobody:rwx finance"
                + " && setfacl -d -m u:nobody:rx finance && setfattr -n user.x -v hello data"
                + " && setfattr -n security.selinux -v system_u:object_r:etc_t:s0 label"
                + " && setfattr -n $'user.\\xff\\x01' -v 0xfe0001 binary && chattr +i locked && chattr +a log"
                + " && setfacl -m u:nobody:rx .";
        assertEquals(0, sh(set, root.toString()));
        String getcap = output("getcap \"$1\"/tool", root.toString());
        assertEquals(root.resolve("tool") + " cap_setuid=ep", getcap, "what getcap writes");
        String getfacl = output("getfacl -cEp \"$1\"/finance | grep . | paste -sd,", root.toString());
        String rootAcl = output("getfacl -cEp \"$1\" | grep . | paste -sd,", root.toString());

        Path s2 = dir.resolve("s2.snap");
        CliTest.Run check = fsnap("check", "--format", "lines", root.toString(), "--integrity", "--against", s1.toString(), "-o",
                s2.toString());
        assertEquals(1, check.status(), check.err());
        assertEquals(List.of(
                "M .  (ctime,acl)  acl (none) -> " + rootAcl,
                "M binary  (ctime,xattrs)  xattrs (none) -> user.\\xff\\x01=0s/gAB",
                "M data  (ctime,xattrs)  xattrs (none) -> user.x=\"hello\"",
                "M finance  (ctime,mode,acl)  acl (none) -> " + getfacl,
                "M label  (ctime,selinux)  selinux (none) -> system_u:object_r:etc_t:s0",
                "M locked  (ctime,flags)  flags ------- -> i------",
                "M log  (ctime,flags)  flags ------- -> -a-----",
                "M tool  (ctime,caps)  caps (none) -> cap_setuid=ep"), changes(check.out()), check.out());
        assertTrue(getfacl.startsWith("user::rwx,user:nobody:rwx,group::r-x,mask::rwx,other::r-x,default:user::rwx,"
                + "default:user:nobody:r-x,"), "the access and the default ACL, as getfacl writes them: " + getfacl);
        assertTrue(check.out().lines().noneMatch(l -> l.startsWith("M link")),
                "the link's own attributes (none), never its target's: " + check.out());

        String json = fsnap("diff", s1.toString(), s2.toString(), "--json").out();
        String tool = jsonLine(json, "tool");
        assertTrue(tool.contains("\"fields\":[\"ctime\",\"caps\"]") && tool.contains("\"caps\":[]")
                && tool.contains("\"caps\":[{\"name\":\"security.capability\",\"value_b64\":\"")
                && tool.contains("\"text\":\"cap_setuid=ep\"}]"), tool);
        assertTrue(tool.indexOf("\"caps\":[]") < tool.indexOf("\"caps\":[{"), "old before new: " + tool);
        String finance = jsonLine(json, "finance");
        assertTrue(finance.contains("{\"name\":\"system.posix_acl_access\",") && finance.contains(
                "\"text\":\"user::rwx,user:65534:rwx,group::r-x,mask::rwx,other::r-x\"}"), finance);
        assertTrue(finance.contains("{\"name\":\"system.posix_acl_default\","), finance);
        String label = jsonLine(json, "label");
        assertTrue(label.contains("\"text\":\"system_u:object_r:etc_t:s0\""), label);
        assertTrue(jsonLine(json, "data").contains("\"xattrs\":[{\"name\":\"user.x\",\"value\":\"hello\"}]"), json);
        // Not UTF-8: base64 of the exact bytes, name and value.
        String binary = jsonLine(json, "binary");
        String name = binary.replaceAll(".*\"name_b64\":\"([^\"]*)\".*", "$1");
        String value = binary.replaceAll(".*\"value_b64\":\"([^\"]*)\".*", "$1");
        assertArrayEquals(new byte[] {'u', 's', 'e', 'r', '.', (byte) 0xff, 1}, Base64.getDecoder().decode(name));
        assertArrayEquals(new byte[] {(byte) 0xfe, 0, 1}, Base64.getDecoder().decode(value));

        // Each removed: reported with the old value and none.
        String remove = "cd \"$1\" && setcap -r tool && setfacl -b finance && setfacl -k finance"
                + " && setfattr -x user.x data && setfattr -x security.selinux label"
                + " && setfattr -x $'user.\\xff\\x01' binary && chattr -i locked && chattr -a log && setfacl -b .";
        assertEquals(0, sh(remove, root.toString()));
        Path s3 = dir.resolve("s3.snap");
        CliTest.Run removed = fsnap("check", "--format", "lines", root.toString(), "--integrity", "--against", s2.toString(), "-o",
                s3.toString());
        assertEquals(1, removed.status(), removed.err());
        List<String> lines = changes(removed.out());
        assertEquals(List.of(
                "M .  (ctime,acl)  acl " + rootAcl + " -> (none)",
                "M binary  (ctime,xattrs)  xattrs user.\\xff\\x01=0s/gAB -> (none)",
                "M data  (ctime,xattrs)  xattrs user.x=\"hello\" -> (none)",
                "M finance  (ctime,mode,acl)  acl " + getfacl + " -> (none)",
                "M label  (ctime,selinux)  selinux system_u:object_r:etc_t:s0 -> (none)",
                "M locked  (ctime,flags)  flags i------ -> -------",
                "M log  (ctime,flags)  flags -a----- -> -------",
                "M tool  (ctime,caps)  caps cap_setuid=ep -> (none)"), lines, removed.out());

        String gone = jsonLine(fsnap("diff", s2.toString(), s3.toString(), "--json").out(), "tool");
        assertTrue(gone.contains("\"fields\":[\"ctime\",\"caps\"]") && gone.indexOf("\"text\":\"cap_setuid=ep\"")
                < gone.indexOf("\"caps\":[]") && gone.contains("\"caps\":[]"), "old, then none: " + gone);

        // Without --xattrs they are not read, and a comparison with a snapshot that has them says nothing of them.
        assertEquals(0, sh("setcap cap_net_raw+ep \"$1\"/tool", root.toString()));
        Path s4 = dir.resolve("s4.snap");
        CliTest.Run unread = fsnap("check", "--format", "lines", root.toString(), "--stat", "statx", "--against", s3.toString(), "-o",
                s4.toString());
        assertEquals(1, unread.status(), unread.out() + unread.err());
        assertEquals(List.of("M tool  (ctime)"), changes(unread.out()), unread.out());
    }

    /**
     * One attribute of a thousand changed, one added, one removed: the report says those three, not
     * both whole lists (two lines of 45 KB each). On a tmpfs of its own: ext4 holds a file's
     * attributes in one block, a few dozen of them.
     */
    @Test
    void aChangeAmongAThousandAttributesShowsWhatWasAddedRemovedAndChanged() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("tmpfs"));
        assumeTrue(sh("mount -t tmpfs -o size=16m fsnap-xattrs \"$1\"", mount.toString()) == 0, "no tmpfs mount here");
        try {
            Path root = Files.createDirectories(mount.resolve("t"));
            Path many = Files.writeString(root.resolve("many"), "many");
            UserDefinedFileAttributeView attributes = Files.getFileAttributeView(many,
                    UserDefinedFileAttributeView.class);
            for (int k = 0; k < 1000; k++) {
                attributes.write("a" + k, ByteBuffer.wrap(("value " + k).getBytes(StandardCharsets.US_ASCII)));
            }
            Path s1 = dir.resolve("s1.snap");
            assertEquals(0, fsnap("scan", root.toString(), "--xattrs", "-o", s1.toString()).status());
            attributes.write("a1", ByteBuffer.wrap("changed".getBytes(StandardCharsets.US_ASCII)));
            attributes.delete("a2");
            attributes.write("new", ByteBuffer.wrap("n".getBytes(StandardCharsets.US_ASCII)));
            Path s2 = dir.resolve("s2.snap");
            CliTest.Run lines = fsnap("check", "--format", "lines", root.toString(), "--xattrs", "--against",
                    s1.toString(), "-o", s2.toString());
            assertEquals(1, lines.status(), lines.err());
            String said = "xattrs added (user.new=\"n\"), removed (user.a2=\"value 2\"), changed (user.a1=\"value 1\" "
                    + "-> \"changed\")";
            assertEquals(List.of("M many  (ctime,xattrs)  " + said), changes(lines.out()), lines.out());

            CliTest.Run text = fsnap("diff", s1.toString(), s2.toString());
            assertEquals(1, text.status(), text.err());
            String line = text.out().lines().filter(l -> l.startsWith("  M many  ")).findFirst().orElseThrow();
            assertTrue(line.endsWith(", " + said) && line.length() < 300, line);

            String entry = jsonLine(fsnap("diff", s1.toString(), s2.toString(), "--json").out(), "many");
            assertTrue(entry.contains("{\"name\":\"user.a999\",\"value\":\"value 999\"}"),
                    "JSON keeps both whole lists, as docs/json.md says: " + entry);
        } finally {
            assertEquals(0, sh("umount \"$1\"", mount.toString()));
        }
    }
}
