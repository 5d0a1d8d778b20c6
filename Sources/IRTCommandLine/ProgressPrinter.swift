import Foundation
import IRTModel
import IRTReport
import Synchronization

/// Progress on stderr, rewritten in place on one line: Horn's draws, then EM
/// iterations. Used only when stderr is a terminal; safe to call from the
/// analysis' worker threads; throttled to ten updates a second.
final class ProgressPrinter: Sendable {
    private struct State {
        var hornDone = 0
        var lastWrite: ContinuousClock.Instant?
        var phase: Phase = .none
        var lineOpen = false
    }
    private enum Phase { case none, horn, em }
    private let state = Mutex(State())

    /// A printer when stderr is a terminal and progress is wanted, else `nil`.
    static func forStandardError(quiet: Bool) -> ProgressPrinter? {
        !quiet && isatty(2) == 1 ? ProgressPrinter() : nil
    }

    func report(_ event: AnalysisProgress) {
        state.withLock { s in
            let now = ContinuousClock.now
            let line: String
            var force = false
            switch event {
            case let .hornDraws(done, total):
                s.hornDone = max(s.hornDone, done)
                force = s.phase != .horn || s.hornDone == total
                s.phase = .horn
                line = "Horn's parallel analysis: \(s.hornDone)/\(total) draws"
            case let .emIterations(iterations, step):
                if s.phase == .horn, s.lineOpen { Self.write("\n"); s.lineOpen = false }
                force = s.phase != .em
                s.phase = .em
                line = "EM: \(iterations) iterations, last step \(NumberFormat.significant(step, digits: 3, ascii: true))"
            }
            if !force, let last = s.lastWrite, now - last < .milliseconds(100) { return }
            s.lastWrite = now
            s.lineOpen = true
            Self.write("\r" + line + "\u{1B}[K")
        }
    }

    /// Ends the progress line.
    func finish() {
        state.withLock { s in
            if s.lineOpen { Self.write("\n") }
            s.lineOpen = false
        }
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
