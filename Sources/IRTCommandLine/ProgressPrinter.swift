import Foundation
import IRTModel
import IRTReport
import Synchronization

/// Progress of a long analysis on stderr, whatever stderr is.
///
/// - On a terminal (``Mode/live``): one line rewritten in place, Horn's draws
///   and then EM evaluations, at most ten updates a second.
/// - Otherwise (``Mode/periodic``: a log file, a pipe, CI): whole lines, at most
///   one every ``periodicInterval`` (10 s) and none before the first interval
///   has passed, so a short run writes nothing and a long one leaves a readable
///   trace: `irt-report: progress 20 s: EM 41000 evaluations, last step 3.2e-06`.
///
/// `--quiet` gives no printer at all. Safe to call from the analysis' worker
/// threads. The clock and the output are injected, so the throttling can be
/// tested without waiting.
final class ProgressPrinter: Sendable {
    /// How progress is shown.
    enum Mode: Equatable, Sendable {
        /// A terminal: one line rewritten in place (`\r`, erase to end of line).
        case live
        /// Anything else: a whole line now and then.
        case periodic
    }

    /// Shortest time between two live updates (a terminal redraw).
    static let liveInterval: Duration = .milliseconds(100)
    /// Shortest time between two periodic lines, and before the first.
    static let periodicInterval: Duration = .seconds(10)

    private struct State {
        var hornDone = 0
        var lastWrite: Duration?
        var phase: Phase = .none
        var lineOpen = false
    }
    private enum Phase { case none, horn, em }

    let mode: Mode
    private let state = Mutex(State())
    /// Time since the printer was made.
    private let elapsed: @Sendable () -> Duration
    private let output: @Sendable (String) -> Void

    /// - Parameters:
    ///   - mode: live (terminal) or periodic lines.
    ///   - elapsed: time since the start of the run (injected in tests).
    ///   - output: where the text goes (stderr by default).
    init(mode: Mode, elapsed: (@Sendable () -> Duration)? = nil,
         output: @escaping @Sendable (String) -> Void = { ProgressPrinter.writeStandardError($0) }) {
        self.mode = mode
        if let elapsed {
            self.elapsed = elapsed
        } else {
            let start = ContinuousClock.now
            self.elapsed = { ContinuousClock.now - start }
        }
        self.output = output
    }

    /// A printer unless `quiet`: live when stderr is a terminal, periodic otherwise.
    static func forStandardError(quiet: Bool) -> ProgressPrinter? {
        quiet ? nil : ProgressPrinter(mode: isatty(2) == 1 ? .live : .periodic)
    }

    func report(_ event: AnalysisProgress) {
        state.withLock { s in
            let now = elapsed()
            let text: String
            var force = false
            switch event {
            case let .hornDraws(done, total):
                s.hornDone = max(s.hornDone, done)
                force = s.phase != .horn || s.hornDone == total
                s.phase = .horn
                text = "Horn's parallel analysis: \(s.hornDone)/\(total) draws"
            case let .emIterations(iterations, step):
                if mode == .live, s.phase == .horn, s.lineOpen { output("\n"); s.lineOpen = false }
                force = s.phase != .em
                s.phase = .em
                text = "EM: \(iterations) evaluations, last step \(NumberFormat.significant(step, digits: 3, ascii: true))"
            }
            switch mode {
            case .live:
                if !force, let last = s.lastWrite, now - last < Self.liveInterval { return }
                s.lastWrite = now
                s.lineOpen = true
                output("\r" + text + "\u{1B}[K")
            case .periodic:
                // No phase change forces a line: a log gets one every 10 s at most.
                guard now - (s.lastWrite ?? .zero) >= Self.periodicInterval else { return }
                s.lastWrite = now
                output("irt-report: progress \(now.components.seconds) s: \(text)\n")
            }
        }
    }

    /// Ends the live line (periodic lines are always complete).
    func finish() {
        state.withLock { s in
            if s.lineOpen { output("\n") }
            s.lineOpen = false
        }
    }

    static func writeStandardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
