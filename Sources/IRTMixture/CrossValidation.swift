import Foundation
import IRTModel
import Linalg

/// Out-of-fold accuracy of a surrogate's predictions ŷ of scores y.
///
/// ```
/// R² = 1 − Σ(yᵢ − ŷᵢ)² / Σ(yᵢ − ȳ)²,   RMSE = √(Σ(yᵢ − ŷᵢ)²/n),   Spearman = corr(rank y, rank ŷ)
/// ```
struct ValidationMetrics: Sendable, Equatable {
    var r2: Double
    var spearman: Double
    var rmse: Double

    init(y: [Double], predicted: [Double]) {
        let n = Double(y.count)
        let mean = y.reduce(0, +) / max(n, 1)
        var sse = 0.0, sst = 0.0
        for i in y.indices {
            sse += (y[i] - predicted[i]) * (y[i] - predicted[i])
            sst += (y[i] - mean) * (y[i] - mean)
        }
        r2 = sst > 0 ? 1 - sse / sst : 0
        rmse = (sse / max(n, 1)).squareRoot()
        spearman = pearson(averageRanks(y), averageRanks(predicted))
    }
}

/// Ranks 1…n, ties sharing their average rank.
func averageRanks(_ v: [Double]) -> [Double] {
    let order = v.indices.sorted { v[$0] < v[$1] }
    var ranks = [Double](repeating: 0, count: v.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && v[order[end + 1]] == v[order[start]] { end += 1 }
        let rank = Double(start + end) / 2 + 1
        for k in start...end { ranks[order[k]] = rank }
        start = end + 1
    }
    return ranks
}

/// The Pearson correlation (0 when either side is constant).
func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    guard a.count > 1 else { return 0 }
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in a.indices {
        sab += (a[i] - ma) * (b[i] - mb)
        saa += (a[i] - ma) * (a[i] - ma)
        sbb += (b[i] - mb) * (b[i] - mb)
    }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
}

/// Nested k-fold cross-validation of both surrogate families for several scores at once.
///
/// The outer folds are shared by every score and family (so their out-of-fold numbers compare
/// like with like). Within each outer training set, ridge picks its penalty by an inner
/// k-fold CV and the GP its hyperparameters by marginal likelihood — neither sees the outer
/// held-out fold, so the out-of-fold predictions are honest.
enum CrossValidation {
    struct OutOfFold {
        /// [score][run] out-of-fold predictions.
        var ridge: [[Double]]
        var gp: [[Double]]
    }

    /// - Parameters:
    ///   - x: n × p weights.
    ///   - distances: their squared distances (n × n).
    ///   - ys: the scores (n values each).
    ///   - outer: the outer folds (held-out rows).
    ///   - innerFolds: folds of the inner penalty search.
    ///   - seed: the seed of the inner folds (one stream per outer fold).
    ///   - scale: the GP's length-scale unit (the median pairwise distance of all runs).
    ///   - threads: worker threads for the GP fits.
    static func outOfFold(x: Matrix, distances: [Double], ys: [[Double]], outer: [[Int]], innerFolds: Int,
                          seed: UInt64, scale: Double, threads: Int) throws(LinalgError) -> OutOfFold {
        let n = x.rows
        var ridge = [[Double]](repeating: [Double](repeating: .nan, count: n), count: ys.count)
        var gp = ridge
        for (f, held) in outer.enumerated() where !held.isEmpty {
            let heldSet = Set(held)
            let train = (0..<n).filter { !heldSet.contains($0) }
            let xTrain = x.selectingRows(train)
            let yTrain = ys.map { y in train.map { y[$0] } }
            var rng = Xoshiro256StarStar.mixtureStream(seed, .innerFolds, f)
            let inner = shuffledFolds(count: train.count, folds: min(innerFolds, train.count), rng: &rng)
            let decomposition = try RidgeDecomposition(x: xTrain)
            let penalties = try Ridge.innerCVPenalties(x: xTrain, ys: yTrain, folds: inner,
                                                       grid: Ridge.grid(scale: decomposition.scale))
            for s in ys.indices {
                let fit = decomposition.fit(yTrain[s], lambda: penalties[s])
                for i in held { ridge[s][i] = fit.predict(x.row(i)) }
            }
        }
        // The GP fits, one per fold and score, on the workers.
        let tasks = outer.indices.flatMap { f in ys.indices.map { (f, $0) } }
        let predictions = ParallelMap.map(tasks.count, threads: threads) { t in
            let (f, s) = tasks[t]
            let held = outer[f]
            let heldSet = Set(held)
            let train = (0..<n).filter { !heldSet.contains($0) }
            let fit = GaussianProcess.fit(x: x, distances: distances, rows: train, y: train.map { ys[s][$0] }, scale: scale)
            return held.map { fit.predict(x.row($0)) }
        }
        for (t, (f, s)) in tasks.enumerated() {
            for (r, i) in outer[f].enumerated() { gp[s][i] = predictions[t][r] }
        }
        return OutOfFold(ridge: ridge, gp: gp)
    }
}
