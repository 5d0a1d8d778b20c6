import Foundation
import IRTModel
import IRTReport

/// The stdout summary of `irt-report`: what a person reads after a run.
public enum Summary {
    /// Where the fitted k came from, for the summary line.
    public enum KSource: Sendable {
        case horn, factorsOption, initialLoadings
    }

    /// The full summary, ending with the report path.
    public static func text(_ r: AnalysisResult, kSource: KSource, reportPath: String, top: Int = 10) -> String {
        var lines: [String] = []
        let dropped = r.droppedTasks.isEmpty ? "" : " (\(r.droppedTasks.count) constant task(s) dropped)"
        lines.append("Runs n = \(r.nRuns), tasks p = \(r.nTasks)\(dropped)")
        lines.append("Horn's parallel analysis (\(r.horn.draws) draws, seed \(r.horn.seed)): k95 = \(r.horn.k95), k_mean = \(r.horn.kMean)")
        let why = switch kSource {
        case .factorsOption: "fixed by --factors"
        case .initialLoadings: "from --em-init"
        case .horn: r.horn.k95 == 0 ? "no factor above noise (k95 = 0), fitting 1" : "Horn's k95"
        }
        lines.append("Fitted k = \(r.k) (\(why))")
        let distance = r.em.estimatedDistance.map { "estimated distance to the fixed point \(sci($0))" }
            ?? "estimated distance unknown (steps not contracting)"
        let acceleration = ["none": "plain EM", "squarem": "SQUAREM", "anderson": "Anderson acceleration"][r.em.acceleration] ?? r.em.acceleration
        lines.append("EM: \(r.em.iterations) iterations, \(r.em.converged ? "converged" : "NOT converged"), \(distance)")
        lines.append("    (\(acceleration), \(r.em.mStep) M-step, stop rule \(r.em.stopRule) < \(sci(r.em.tolerance)), log-likelihood \(cFormat("%.4f", r.em.logLikelihood)))")

        lines.append("")
        lines.append(contentsOf: leaderboard(r, top: top))

        lines.append("")
        lines.append(contentsOf: signalToNoise(r))

        if !r.validation.isEmpty {
            lines.append("")
            lines.append("Held-out validation (Pearson r with each θ):")
            let width = r.validation.keys.map(\.count).max() ?? 0
            for metric in r.validation.keys.sorted() {
                let rs = (r.validation[metric] ?? []).enumerated().map { j, value in
                    "θ\(j + 1) " + (value.map { cFormat("%+.3f", $0) } ?? "n/a")
                }
                lines.append("  " + pad(metric, width) + "  " + rs.joined(separator: "   "))
            }
        }

        if !r.warnings.isEmpty {
            lines.append("")
            lines.append("Warnings:")
            lines.append(contentsOf: r.warnings.map { "  - " + $0 })
        }
        lines.append("")
        lines.append("Report: \(reportPath)")
        return lines.joined(separator: "\n")
    }

    /// The top of the leaderboard as an aligned table.
    static func leaderboard(_ r: AnalysisResult, top: Int) -> [String] {
        let entries = r.leaderboard.prefix(top)
        let header = ["rank", "run", "aggregate"] + (0..<r.k).map { "θ\($0 + 1)" }
        let rows = entries.enumerated().map { i, e in
            ["\(i + 1)", truncate(e.runName, 40), fixed(e.aggregate)] + e.theta.map(fixed)
        }
        var widths = header.map(\.count)
        for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { j, cell in j == 1 ? pad(cell, widths[j]) : padLeft(cell, widths[j]) }
                .joined(separator: "  ")
        }
        return ["Top \(entries.count) of \(r.leaderboard.count) runs by aggregate (mean of θ):", "  " + format(header)]
            + rows.map { "  " + format($0) }
    }

    /// SNR per factor and for the aggregate, "N× (noise = x%)".
    static func signalToNoise(_ r: AnalysisResult) -> [String] {
        guard let snr = r.snr else {
            return ["Signal-to-noise: no noise file (pass --noise NOISE.csv with replicate runs)"]
        }
        let rows = snr.factors.map { ("θ\($0.factor ?? 0)", $0) } + [("aggregate", snr.aggregate)]
        let labelWidth = rows.map(\.0.count).max() ?? 0
        let values = rows.map { "\(times($0.1.snr)) (noise = \(percent($0.1.noiseShare)))" }
        let valueWidth = values.map(\.count).max() ?? 0
        var lines = ["Signal-to-noise (\(snr.noiseRuns) replicate runs; 95% interval in brackets):"]
        for (i, row) in rows.enumerated() {
            let interval = row.1.interval.map { "  [\(times($0.lowerBound)), \(times($0.upperBound))]" } ?? ""
            lines.append("  " + pad(row.0, labelWidth) + "  " + pad(values[i], valueWidth) + interval)
        }
        return lines
    }

    static func times(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        let magnitude = abs(x)
        let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2
        return cFormat("%.\(digits)f×", x)
    }

    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "n/a" }
        let value = share * 100
        return cFormat(abs(value) >= 1 ? "%.1f%%" : "%.2f%%", value)
    }

    static func fixed(_ x: Double) -> String { x.isFinite ? cFormat("%.3f", x) : "n/a" }
    static func sci(_ x: Double) -> String { cFormat("%.2g", x) }

    static func truncate(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "…"
    }
    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
