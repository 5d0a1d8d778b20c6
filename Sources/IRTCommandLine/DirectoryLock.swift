import Foundation

/// An advisory lock (`flock`) that serializes the replace step of runs
/// writing the same `--out` folder: `.NAME.lock` beside the folder `NAME`.
///
/// The lock file is removed when the lock is released, so it leaves nothing
/// behind. That is safe because a process that has acquired the lock checks
/// that the file it locked is still the one at the path (same device and
/// inode); if another process removed it meanwhile, it starts over with the
/// new file. A process killed while holding the lock leaves an empty lock
/// file that the next run takes over (the kernel releases the lock itself).
struct DirectoryLock {
    /// The lock file.
    let path: String
    private let descriptor: Int32

    /// The lock file's path for the folder `directory`.
    static func path(for directory: URL) -> String {
        directory.deletingLastPathComponent().appendingPathComponent("." + directory.lastPathComponent + ".lock").path
    }

    /// Waits for the lock of `directory`, then registers the lock file in
    /// `Temporaries` so that an interrupted run removes it.
    ///
    /// - Throws: the POSIX error of `open` or `flock`.
    static func acquire(for directory: URL) throws -> DirectoryLock {
        let path = path(for: directory)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ReportWriter.posixError("open \(path)") }
            var result: Int32
            repeat { result = flock(fd, LOCK_EX) } while result != 0 && errno == EINTR
            guard result == 0 else {
                let error = ReportWriter.posixError("flock \(path)")
                close(fd)
                throw error
            }
            var locked = stat(), current = stat()
            if fstat(fd, &locked) == 0, stat(path, &current) == 0,
               locked.st_dev == current.st_dev, locked.st_ino == current.st_ino {
                Temporaries.shared.locked { $0.add(path, isDirectory: false) }
                return DirectoryLock(path: path, descriptor: fd)
            }
            // The file was removed (or replaced) by the process that held it: take the new one.
            close(fd)
        }
    }

    /// Removes the lock file, then releases the lock.
    func release() {
        Temporaries.shared.locked { registry in
            unlink(path)
            registry.remove(path)
        }
        close(descriptor)
    }
}
