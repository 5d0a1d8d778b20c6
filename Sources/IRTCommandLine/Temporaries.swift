import Dispatch
import Foundation

/// The temporary files and folders of a run in progress (staging folder,
/// staged JSON, lock file), removed by ``ReportWriter`` when it is done and
/// by the signal handlers when the run is interrupted.
///
/// Every change of the file system that creates, renames or deletes a
/// registered path happens inside ``locked(_:)`` together with the change of
/// the registry, so a handler (which takes the same lock) sees either the
/// state before or after it, never half of it; writing a file into the
/// staging folder also happens inside the lock, so the handler never deletes
/// a folder a file is being added to. The handler does not give the lock
/// back: after it has cleaned up, the process ends.
final class Temporaries: @unchecked Sendable {
    /// The registry of the process, the one the signal handlers clean up.
    static let shared = Temporaries()

    /// An empty registry (the writer uses ``shared``; tests make their own).
    init() {}

    private let mutex = NSLock()
    /// Registered path → whether it is a directory (removed recursively).
    private var paths: [String: Bool] = [:]

    /// Runs `body` with the registry locked.
    func locked<R, E: Error>(_ body: (inout Registry) throws(E) -> R) throws(E) -> R {
        mutex.lock()
        defer { mutex.unlock() }
        var registry = Registry(paths: paths)
        defer { paths = registry.paths }
        return try body(&registry)
    }

    /// The registered paths, changed only inside ``Temporaries/locked(_:)``.
    struct Registry {
        fileprivate(set) var paths: [String: Bool]

        /// Removes `path` (a file or folder) when the run is interrupted.
        mutating func add(_ path: String, isDirectory: Bool) { paths[path] = isDirectory }

        /// Stops watching `path` (it was renamed into place or removed).
        mutating func remove(_ path: String) { paths[path] = nil }
    }

    /// Removes every registered path (best effort) and empties the registry.
    ///
    /// Called with the lock held.
    private func removeAllLocked() {
        for (path, isDirectory) in paths {
            if isDirectory { try? FileManager.default.removeItem(atPath: path) } else { unlink(path) }
        }
        paths.removeAll()
    }

    // MARK: - Signals

    /// The dispatch sources that receive SIGINT, SIGTERM and SIGHUP (kept alive here).
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Makes SIGINT, SIGTERM and SIGHUP remove the registered temporaries,
    /// then end the process by the same signal (a shell reports exit status
    /// 130, 143 or 129).
    ///
    /// A signal that is ignored when the process starts (`nohup`, a background
    /// job of a non-interactive shell) stays ignored. Call once, from the
    /// executable's entry point, before any thread is started.
    static func handleTerminationSignals() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            var current = sigaction()
            guard sigaction(signalNumber, nil, &current) == 0 else { continue }
            // SIG_IGN is the handler address 1.
            if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1 { continue }
            // The signal is delivered to the dispatch source instead of killing the process.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                shared.mutex.lock()   // never released: the process ends here
                shared.removeAllLocked()
                signal(signalNumber, SIG_DFL)
                var unblock = sigset_t()
                sigemptyset(&unblock)
                sigaddset(&unblock, signalNumber)
                pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
                kill(getpid(), signalNumber)
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Removes every registered path now, as the signal handlers do.
    func removeAll() {
        mutex.lock()
        defer { mutex.unlock() }
        removeAllLocked()
    }
}
