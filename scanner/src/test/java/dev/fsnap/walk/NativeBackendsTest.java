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
            assertEquals(Set.of(), linux.absentFields());
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
    void onlyWindowsLeavesFieldsOutAndAScanHereReportsNone() throws Exception {
        assertEquals(EnumSet.of(Field.CTIME, Field.INO, Field.UID, Field.GID, Field.NLINK, Field.TARGET),
                NativeBackends.absentFields(NativePlatform.Os.WINDOWS));
        assertEquals(Set.of(), NativeBackends.absentFields(NativePlatform.Os.MACOS));
        assertEquals(Set.of(), NativeBackends.absentFields(NativePlatform.Os.LINUX));
        Scanner scanner = Scanner.of(ScanOptions.builder(dir).build());
        assertEquals(Set.of(), scanner.absentFields());
        assertEquals(Set.of(), scanner.scan(null).absentFields());
    }
}
