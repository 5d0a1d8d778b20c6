@testable import IRTCommandLine
import IRTModel
import Synchronization
import Testing

/// The progress printer's throttling, with an injected clock and output.
@Suite("Progress on stderr: live on a terminal, a line every 10 s otherwise")
struct ProgressPrinterTests {
    /// A clock the test moves by hand, and the text written.
    final class Harness: Sendable {
        let now = Mutex(Duration.zero)
        let written = Mutex([String]())

        func printer(_ mode: ProgressPrinter.Mode) -> ProgressPrinter {
            ProgressPrinter(mode: mode, elapsed: { self.now.withLock { $0 } },
                            output: { text in self.written.withLock { $0.append(text) } })
        }
        func advance(_ d: Duration) { now.withLock { $0 += d } }
        var text: [String] { written.withLock { $0 } }
    }

    @Test("Not a terminal: nothing before 10 s, then at most one whole line per 10 s, with the phase's numbers")
    func periodicLines() {
        let h = Harness()
        let printer = h.printer(.periodic)
        // Horn's draws over 25 s, an event every 0.5 s.
        for done in 1...50 {
            printer.report(.hornDraws(done: done * 10, total: 500))
            h.advance(.milliseconds(500))
        }
        // Events at 0, 0.5, …, 24.5 s: lines at 10 s and 20 s only.
        #expect(h.text == ["irt-report: progress 10 s: Horn's parallel analysis: 210/500 draws\n",
                           "irt-report: progress 20 s: Horn's parallel analysis: 410/500 draws\n"])
        // The EM starts at 25 s: a phase change forces no line (20 s + 10 s not reached)…
        printer.report(.emIterations(1000, step: 3.2e-6))
        #expect(h.text.count == 2)
        // …until 30 s, with evaluations and the last step.
        h.advance(.seconds(5))
        printer.report(.emIterations(41000, step: 2.5e-8))
        #expect(h.text.count == 3)
        #expect(h.text.last == "irt-report: progress 30 s: EM: 41000 evaluations, last step 2.5e-8\n")
        // Every line is whole: no carriage return, no escape sequence; finish adds nothing.
        printer.finish()
        #expect(h.text.count == 3)
        #expect(h.text.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") && !$0.contains("\u{1B}") })
    }

    @Test("Not a terminal: a run shorter than 10 s writes nothing")
    func shortRunIsSilent() {
        let h = Harness()
        let printer = h.printer(.periodic)
        for done in 1...500 {
            printer.report(.hornDraws(done: done, total: 500))
            h.advance(.milliseconds(10))
        }
        printer.report(.emIterations(1000, step: 1e-3))
        h.advance(.seconds(4))
        printer.report(.emIterations(2000, step: 1e-5))
        printer.finish()
        #expect(h.text.isEmpty)
    }

    @Test("A terminal: one line rewritten in place, at most every 100 ms, phase changes and the last draw always shown")
    func liveLine() {
        let h = Harness()
        let printer = h.printer(.live)
        printer.report(.hornDraws(done: 1, total: 3))        // first event of a phase: shown
        h.advance(.milliseconds(50))
        printer.report(.hornDraws(done: 2, total: 3))        // within 100 ms: dropped
        printer.report(.hornDraws(done: 3, total: 3))        // the last draw: shown
        h.advance(.milliseconds(10))
        printer.report(.emIterations(1000, step: 0.5))       // new phase: newline, then shown
        h.advance(.milliseconds(20))
        printer.report(.emIterations(2000, step: 0.25))      // within 100 ms: dropped
        h.advance(.milliseconds(100))
        printer.report(.emIterations(3000, step: 0.125))     // shown
        printer.finish()
        #expect(h.text == [
            "\rHorn's parallel analysis: 1/3 draws\u{1B}[K",
            "\rHorn's parallel analysis: 3/3 draws\u{1B}[K",
            "\n",
            "\rEM: 1000 evaluations, last step 0.5\u{1B}[K",
            "\rEM: 3000 evaluations, last step 0.125\u{1B}[K",
            "\n",
        ])
    }

    @Test("--quiet gives no printer")
    func quiet() {
        #expect(ProgressPrinter.forStandardError(quiet: true) == nil)
    }
}
