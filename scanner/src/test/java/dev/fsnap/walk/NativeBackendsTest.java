package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.Scanner;
import dev.fsnap.bindings.NativePlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which native backend each system gets, decided with the system passed in; here only Linux's can run. */
class NativeBackendsTest {
    @TempDir
    Path dir;

    @Test
    void eachSystemIsAskedForItsOwnCallsAndOnlyLinuxHasThemHere() {
        assertNull(NativeBackends.unavailableReason(NativePlatform.of("Linux", "amd64")));
        assertTrue(NativeBackends.unavailableReason(NativePlatform.of("Mac OS X", "aarch64")).contains("not macOS"));
        assertTrue(NativeBackends.unavailableReason(NativePlatform.of("Windows 11", "amd64")).contains("not Windows"));
        assertTrue(NativeBackends.unavailableReason(Optional.empty()).startsWith("no native calls for"));
    }

    @Test
    void openingAnotherSystemsBackendFailsWithTheReasonAndOpensNothing() {
        ScanOptions options = ScanOptions.builder(dir).build();
        try (FileSystemAccess linux = NativeBackends.open(NativePlatform.Os.LINUX, options)) {
            assertEquals(Backend.NATIVE, linux.backend());
            assertEquals(NativeBackends.LINUX_ONLY, linux.absentFields(), "attributes and content are read when asked");
        }
        UnsupportedOperationException mac = assertThrows(UnsupportedOperationException.class,
                () -> NativeBackends.open(NativePlatform.Os.MACOS, options));
        assertTrue(mac.getMessage().startsWith("native macOS calls unavailable: "), mac.getMessage());
        UnsupportedOperationException win = assertThrows(UnsupportedOperationException.class,
                () -> NativeBackends.open(NativePlatform.Os.WINDOWS, options));
        assertTrue(win.getMessage().startsWith("native Windows calls unavailable: "), win.getMessage());
    }

    @Test
    void windowsRefusesToFollowLinksBecauseItCannotTellLoopsWithoutFileIds() {
        ScanOptions following = ScanOptions.builder(dir).followSymlinks(true).build();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> NativeBackends.open(NativePlatform.Os.WINDOWS, following));
        assertTrue(e.getMessage().startsWith("following symbolic links is not supported on Windows"), e.getMessage());
    }

    @Test
    void windowsLeavesStatFieldsOutAndOnlyLinuxReadsExtendedAttributesWhenAsked() throws Exception {
        Set<Field> xattrs = EnumSet.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS);
        Set<Field> linuxOnly = EnumSet.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS, Field.CONTENT);
        ScanOptions plain = ScanOptions.builder(dir).build();
        ScanOptions withXattrs = ScanOptions.builder(dir).xattrs(true).build();
        ScanOptions everything = ScanOptions.builder(dir).xattrs(true).digest(dev.fsnap.scan.Digest.SHA256).build();
        EnumSet<Field> windows = EnumSet.of(Field.CTIME, Field.INO, Field.UID, Field.GID, Field.NLINK, Field.TARGET);
        windows.addAll(linuxOnly);
        assertEquals(windows, NativeBackends.absentFields(NativePlatform.Os.WINDOWS, everything));
        assertEquals(linuxOnly, NativeBackends.absentFields(NativePlatform.Os.MACOS, everything));
        assertEquals(linuxOnly, NativeBackends.absentFields(NativePlatform.Os.LINUX, plain));
        assertEquals(Set.of(Field.CONTENT), NativeBackends.absentFields(NativePlatform.Os.LINUX, withXattrs));
        assertEquals(xattrs, NativeBackends.absentFields(NativePlatform.Os.LINUX,
                ScanOptions.builder(dir).digest(dev.fsnap.scan.Digest.XXH3_128).build()));
        assertEquals(Set.of(), NativeBackends.absentFields(NativePlatform.Os.LINUX, everything));
        assertEquals(linuxOnly, Scanner.of(plain).absentFields());
        assertEquals(linuxOnly, Scanner.of(plain).scan(null).absentFields());
        assertEquals(Set.of(), Scanner.of(everything).scan(null).absentFields());
        // NIO with xattrs asked for is refused by the options (LibraryTest); without, it reads none of them
        assertEquals(linuxOnly, Scanner.of(ScanOptions.builder(dir).backend(dev.fsnap.scan.Backend.NIO)
                .build()).scan(null).absentFields(), "the JDK reads no attributes but user ones: none; no content");
    }
}
