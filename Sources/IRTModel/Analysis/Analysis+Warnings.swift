import Foundation
import Linalg

/// Every warning the analysis builds, in one place: what a step decided for
/// the user or what might be wrong, with the tasks or runs concerned and,
/// where the user can act, typed ``AnalysisWarning/Remedy``s (a front end
/// names them in its own terms).
extension Analysis {
    /// Warnings for every run and task the preparation dropped.
    static func selectionWarnings(_ report: SelectionReport) -> [AnalysisWarning] {
        var out: [AnalysisWarning] = []
        if !report.droppedRuns.isEmpty {
            let words: [SelectionReport.DropReason: String] = [.lowCoverage: "with low coverage",
                                                               .incomplete: "with a gap", .constant: "constant"]
            let why = Dictionary(grouping: report.droppedRuns, by: \.reason)
                .map { "\($0.value.count) \(words[$0.key]!)" }.sorted()
            out.append(AnalysisWarning(
                .runsDropped,
                "dropped \(report.droppedRuns.count) run(s) for missing cells (\(why.joined(separator: ", ")); policy \(report.missingPolicy.rawValue), min coverage \(report.minCoverage)): \(AnalysisWarning.list(report.droppedRuns.map(\.name)))",
                subjects: report.droppedRuns.map(\.name)))
        }
        if !report.skippedNonNumeric.isEmpty {
            out.append(AnalysisWarning(
                .textColumnsSkipped,
                "\(report.skippedNonNumeric.count) column(s) matched by a task pattern hold text (at least half of their filled cells are not numbers) and are not tasks: \(AnalysisWarning.list(report.skippedNonNumeric))",
                subjects: report.skippedNonNumeric))
        }
        if let index = report.skippedIndexColumns, !index.isEmpty {
            let shown = index.map { $0.trimmingCharacters(in: .whitespaces).isEmpty ? "a column without a name" : "\"\($0)\" (row numbers, an index)" }
            out.append(AnalysisWarning(
                .indexColumnsSkipped,
                "not tasks, though a task pattern matched them: \(AnalysisWarning.list(shown)); a column without a name, and a first column holding the row numbers (as pandas' to_csv writes its index), is never a task",
                subjects: index))
        }
        let gappy = report.droppedTasks.filter { $0.reason != .constant }
        if !gappy.isEmpty {
            out.append(AnalysisWarning(
                .tasksDropped,
                "dropped \(gappy.count) task(s) observed on less than \(report.minCoverage) of the runs: \(AnalysisWarning.list(gappy.map(\.name)))",
                subjects: gappy.map(\.name)))
        }
        return out
    }


    /// `no_factor_above_noise` and `factors_capped`, when the choice of k says so.
    static func factorCountWarnings(_ choice: FactorCountChoice, tasks p: Int,
                                    freeUniquenesses: Int) -> [AnalysisWarning] {
        var out: [AnalysisWarning] = []
        if choice.rule == .hornZeroFallback {
            out.append(AnalysisWarning(.noFactorAboveNoise, "no factor stands above noise (k95 = 0); fitting k = 1"))
        }
        if let asked = choice.capped {
            out.append(AnalysisWarning(
                .factorsCapped,
                "\(asked) factors were asked for (\(choice.rule == .horn ? "Horn's k95" : "by you")), but with p = \(p) tasks and \(freeUniquenesses) free uniqueness(es) a \(asked)-factor model has more parameters than the correlation matrix has entries (negative degrees of freedom); fitting k = \(choice.k), Ledermann's bound"))
        }
        return out
    }

    /// What the fit itself must say: an unconverged EM, the projected M-step's
    /// fallback to nnls, weakly identified loadings (with how much the
    /// leaderboard moves across starts, `spread`, when there are runs), a
    /// better optimum found by the start check, how many starts agreed, Heywood cases.
    static func fitWarnings(model: FactorModel, multiStart: MultiStartFit, tasks: [String], anchors: [Double?],
                            starts: Int, runs: Bool = false, spread: ScoreSpread? = nil) -> [AnalysisWarning] {
        var warnings: [AnalysisWarning] = []
        let d = model.diagnostics
        if case let .weaklyIdentified(free)? = d.identification {
            warnings.append(Self.weakIdentificationWarning(d, freeRotations: free, k: model.factorCount, runs: runs,
                                                           spread: spread, starts: multiStart.starts))
        }
        if !d.converged, let c = d.concentrated {
            let distance = d.estimatedDistance.isFinite ? "estimated distance of ψ to the optimum \(d.estimatedDistance)" : "distance of ψ to the optimum unknown"
            let end = c.evaluations >= d.maxIterations ? "at the cap of \(c.evaluations) evaluations" : "after \(c.evaluations) evaluations without an acceptable step"
            warnings.append(AnalysisWarning(
                .emNotConverged,
                "the free-loading fit did NOT converge: the quasi-Newton iteration over ψ stopped \(end), \(distance); the scores may be wrong",
                remedies: [.moreIterations]))
        } else if !d.converged, let drift = d.projectedDrift {
            warnings.append(AnalysisWarning(
                .emNotConverged,
                "EM did NOT converge: the projected map met its stop, but \(FitOptions().tuning.projectedVerification) further plain map steps moved the loadings by \(String(format: "%.3g", drift)) — it crawls toward a fixed point it has not reached (\(d.iterations) map evaluations in all); the scores may be wrong",
                remedies: [.otherMStep(.nnls), .moreIterations]))
        } else if !d.converged {
            let distance = d.estimatedDistance.isFinite ? "estimated distance to the fixed point \(d.estimatedDistance)" : "distance to the fixed point unknown (steps not contracting)"
            warnings.append(AnalysisWarning(
                .emNotConverged,
                "EM did NOT converge: stopped at the cap of \(d.iterations) map evaluations, last step \(d.finalStep), \(distance); the scores may be wrong",
                remedies: d.mStep == .nnls ? [.moreIterations] : [.otherMStep(.nnls), .moreIterations]))
        }
        if let restart = d.degenerateRestart {
            let factors = restart.collapsedFactors.map { "θ\($0)" }.joined(separator: ", ")
            let first = "the EM's first fit collapsed: every loading of \(factors) reached 0 (below \(DegenerateRestart.tolerance)), a fixed point of EM that is no fit (log-likelihood \(String(format: "%.6g", restart.collapsedLogLikelihood)))"
            let message = restart.stillDegenerate
                ? "\(first); rerun from the leading eigenvectors of the correlation matrix (made non-negative), it collapsed again: the data support no such factor (its tasks share no positive correlation), and its scores carry no information"
                : "\(first); it was rerun from the leading eigenvectors of the correlation matrix (made non-negative), and that fit (log-likelihood \(String(format: "%.6g", d.logLikelihood))) is the one reported"
            warnings.append(AnalysisWarning(.degenerateFitRestarted, message, remedies: restart.stillDegenerate ? [] : [.moreStarts(16)]))
        }
        if multiStart.checkFoundBetter, let gain = multiStart.starts.checkGain,
           let better = multiStart.starts.checkBestLogLikelihood {
            func g(_ x: Double) -> String { String(format: "%.6g", x) }
            let found = "the EM's default start stopped at a local optimum: one of \(multiStart.starts.checkStarts) extra seeded starts reached log-likelihood \(g(better)), higher by \(g(gain))"
            if let adopted = multiStart.starts.adoptedCheckStart {
                warnings.append(AnalysisWarning(
                    .betterOptimumFound,
                    "\(found); that fit (check start \(adopted), converged) is the one reported — other starts may reach higher still",
                    remedies: [.moreStarts(16)]))
            } else {
                warnings.append(AnalysisWarning(.betterOptimumFound, found, remedies: [.moreStarts(16)]))
            }
        }
        if multiStart.checkInconclusive, let unconverged = multiStart.starts.checkUnconverged {
            let best = multiStart.starts.checkBestLogLikelihood.map { " (the best check start reached log-likelihood \($0))" } ?? ""
            warnings.append(AnalysisWarning(
                .startCheckInconclusive,
                "the start check is inconclusive: \(unconverged) of its \(multiStart.starts.checkStarts) extra seeded starts stopped unconverged at their cap of \(multiStart.checkCap) map evaluations or failed, so none beat the default start\(best) but they might have",
                remedies: [.moreStarts(9)]))
        }
        if starts > 1 {
            warnings.append(AnalysisWarning(
                .startsCompared,
                "\(multiStart.starts.reachedBest) of \(multiStart.starts.requested) starts reached the best log-likelihood \(d.logLikelihood) (start \(multiStart.starts.best) reported)"))
        }
        let heywood = tasks.indices.filter { anchors[$0] == nil && model.psi[$0] < 0.005 }
            .map { tasks[$0] }
        if !heywood.isEmpty {
            warnings.append(AnalysisWarning(
                .heywoodCase,
                "Heywood case: \(heywood.count) task(s) have a free uniqueness below 0.005 (factanal's bound), i.e. the factors explain them almost entirely — an improper solution or too many factors: \(AnalysisWarning.list(heywood))",
                subjects: heywood))
        }
        return warnings
    }

    /// The `weakly_identified` warning: what is flat, what the EM stopped on, and
    /// how far the leaderboard moves across starts.
    static func weakIdentificationWarning(_ d: FitDiagnostics, freeRotations: Int, k: Int, runs: Bool,
                                          spread: ScoreSpread?, starts: FitAssessment.Starts) -> AnalysisWarning {
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        let stop = d.stopQuantity == .covariance
            ? "the EM stopped when Σ = ΛΛᵀ + Ψ had converged (estimated distance \(d.covarianceDistance.map(g) ?? "unknown") < \(g(d.stopRule.tolerance))), not Λ"
            : "Λ itself converged, to one of many equally likely points"
        var message = "the loadings are weakly identified: the likelihood is flat along \(k * (k - 1) / 2 > RotationCone.exactSpanLimit ? "at least " : "")\(freeRotations) of the \(k * (k - 1) / 2) rotation direction(s) of the \(k) factors that keep every loading ≥ 0 (too few loadings at 0 to pin them), so the data determine Σ = ΛΛᵀ + Ψ and the log-likelihood but not Λ; \(stop)"
        var subjects: [String] = []
        var remedies: [AnalysisWarning.Remedy] = []
        if !runs {
            message += "; the factors are one of many equivalent rotations"
        } else if let spread {
            message += "; across \(spread.fitsCompared) fits from different starts that reached the same log-likelihood the aggregate scores correlate at least r = \(String(format: "%.4f", spread.lowestCorrelation)) and the largest rank move is \(spread.largestRankMove) place(s) (run \(spread.run): rank \(spread.ranks[0]) vs \(spread.ranks[1])) — read rank differences of that size as ties"
            subjects = [spread.run]
        } else {
            let tried = starts.requested > 1 ? starts.requested - 1 : starts.checkStarts
            message += tried > 0
                ? "; none of the \(tried) other start(s) reached the same log-likelihood, so how much the leaderboard moves along the rotation is not measured"
                : "; no other start was run, so how much the leaderboard moves along the rotation is not measured"
            if tried == 0 { remedies = [.runStartCheck, .moreStarts(8)] }
        }
        return AnalysisWarning(.weaklyIdentified, message, subjects: subjects, remedies: remedies)
    }

    /// A poor fit (RMSEA above 0.1, the conventional line) is said, with where
    /// to look; when some ψ are anchored at noise floors (`anchored`), with how
    /// anchors near 0 can cause it.
    static func fitQualityWarnings(_ fit: FitAssessment, anchored: Bool) -> [AnalysisWarning] {
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        var out: [AnalysisWarning] = []
        if let s = fit.statistics, let rmsea = s.rmsea, rmsea.estimate > 0.1 {
            let worst = fit.largestResiduals.first.map { " (largest residual correlation \(g($0.value)) between \($0.taskA) and \($0.taskB))" } ?? ""
            out.append(AnalysisWarning(
                .poorFit,
                "the \(s.factors)-factor model fits poorly: RMSEA \(g(rmsea.estimate)) (90% interval \(g(rmsea.lower))–\(g(rmsea.upper)); above 0.1 is poor), TLI \(g(s.tli))\(worst); see the Model fit card (k ± 1, residuals)\(anchored ? " — with noise anchors, tasks whose ψ is pinned near 0 force the factors to reproduce them exactly" : "")"))
        }
        if let cost = fit.nonNegativityCost, !cost.isMeasured {
            out.append(AnalysisWarning(
                .freeFitBelowNonnegative,
                "the free-loading fit ended below the non-negative one (log-likelihood \(String(format: "%.8g", cost.freeLogLikelihood)) < \(String(format: "%.8g", cost.nonnegativeLogLikelihood))): every non-negative Λ is a free one too, so the free fit \(cost.freeConverged ? "stopped at a worse local optimum" : "stopped unconverged at its cap") and the cost of non-negativity is not measured",
                remedies: [.freeLoadingsWithStarts(16)]))
        }
        return out
    }
}
