package dev.fsnap.repository;

import java.nio.file.Path;

/**
 * A root's directory that another user owns, in a repository shared by several users: refused for
 * this user's runs, and theirs to keep (a retention run of this user leaves it alone).
 */
public final class OtherUsersException extends RefusedException {
    private static final long serialVersionUID = 1L;

    /** The directory's owner. */
    private final String owner;

    /**
     * @param path the root's directory
     * @param owner who owns it
     * @param message what is wrong, naming the directory and its owner
     */
    OtherUsersException(Path path, String owner, String message) {
        super(path, message);
        this.owner = owner;
    }

    /** @return the directory's owner, as the system names the user */
    public String owner() {
        return owner;
    }
}
