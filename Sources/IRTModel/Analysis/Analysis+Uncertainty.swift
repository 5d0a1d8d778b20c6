import Foundation

/// The uncertainty of the scores (METHOD.md §7a): seed noise measured on the
/// replicate runs in score space when they allow it, else the model's
/// posterior — said with a warning.
extension Analysis {
    /// The seed noise of `model`'s scores from the replicate runs `noise`, or
    /// the `uncertainty_model_based` warning saying why there is none.
    ///
    /// - Complexity: one scoring of the replicates, O(m p k).
    static func seedNoise(_ noise: EvalMatrix?, model: FittedModel) -> (SeedNoise?, AnalysisWarning?) {
        guard let noise else { return (nil, modelBasedWarning("there are no replicate runs")) }
        let scores: RunScores
        do {
            scores = try model.score(noise)
        } catch {
            return (nil, modelBasedWarning("the replicate runs of \(noise.source) cannot be scored with the model (\(error))"))
        }
        let m = scores.theta.rows
        guard m >= SeedNoise.minimumReplicates, let seed = SeedNoise(scores: scores) else {
            return (nil, modelBasedWarning("\(noise.source) has \(m) replicate run(s) the model can score; an estimate of the seed noise needs at least \(SeedNoise.minimumReplicates) (with 2, one degree of freedom, its variance has no finite mean)"))
        }
        return (seed, nil)
    }

    /// The `uncertainty_model_based` warning, `why` first.
    public static func modelBasedWarning(_ why: String) -> AnalysisWarning {
        AnalysisWarning(
            .uncertaintyModelBased,
            "\(why): the ± sd, rank intervals, p_best and p_better are model-based — the factor model's posterior given the fitted loadings, which takes each task's noise as independent — and not checked against seed noise; seed noise is shared across tasks, so they can be several times too narrow",
            remedies: [.addReplicates(SeedNoise.minimumReplicates)])
    }
}
