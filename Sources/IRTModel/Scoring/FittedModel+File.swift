import Foundation

extension FittedModel {
    /// Reads a model written by ``encoded()`` (`model.json`).
    ///
    /// - Throws: ``AnalysisError/invalidModel(file:reason:)`` when the file cannot
    ///   be read, is not JSON, is of another ``currentSchemaVersion`` (named,
    ///   with the IRTKit version that wrote it), or lacks a key (named by its path).
    public init(contentsOf url: URL) throws(AnalysisError) {
        let file = url.path
        let data: Data
        do { data = try CSVReader.contents(of: url) } catch {   // a regular file, or a pipe such as <(…)
            let reason = if case let .unreadableFile(_, reason) = error { reason } else { error.description }
            throw .invalidModel(file: file, reason: "cannot read the file (\(reason))")
        }
        try self.init(json: data, source: file)
    }

    /// Decodes a model from `model.json` bytes; `source` names it in errors.
    public init(json data: Data, source: String) throws(AnalysisError) {
        struct Header: Decodable {
            let schemaVersion: Int?
            let irtkitVersion: String?
            let nRuns: Int?
            enum CodingKeys: String, CodingKey {
                case schemaVersion = "schema_version", irtkitVersion = "irtkit_version", nRuns = "n_runs"
            }
        }
        let decoder = JSONCoding.decoder()
        let header: Header
        do { header = try decoder.decode(Header.self, from: data) } catch {
            throw .invalidModel(file: source, reason: "not a JSON object (\(JSONCoding.describe(error)))")
        }
        if header.nRuns != nil {
            throw .invalidModel(file: source, reason: "this is a result.json; score needs the model.json written beside it in the report folder")
        }
        guard let version = header.schemaVersion else {
            throw .invalidModel(file: source, reason: "no \"schema_version\"; expected a model.json written by irt-report")
        }
        guard Self.readableSchemaVersions.contains(version) else {
            throw .invalidModel(file: source, reason: "schema_version \(version) (written by IRTKit \(header.irtkitVersion ?? "unknown")), this IRTKit \(IRTKitVersion.string) reads schema_version \(Self.readableSchemaVersions.lowerBound)–\(Self.readableSchemaVersions.upperBound); refit the model with this version")
        }
        do { self = try decoder.decode(FittedModel.self, from: data) } catch {
            throw .invalidModel(file: source, reason: JSONCoding.describe(error))
        }
        try validate(source: source)
    }

    /// The model as `model.json` bytes (``JSONCoding``).
    public func encoded() throws -> Data { try JSONCoding.encode(self) }

    /// Bounds a model's values must keep to be scored without overflow: a task's
    /// sd at least ``minimumRelativeSD`` of its |mean| and ``minimumSD``, |λ| at most
    /// ``maximumLoading``, ψ in ``psiRange`` (the tasks are standardized: λλᵀ + ψ ≈ 1).
    static let minimumRelativeSD = 1e-12, minimumSD = 1e-200, maximumLoading = 1e3
    static let psiRange = 1e-12...1e6

    /// Shapes and values a decoded model must have to be used: one-line reasons
    /// naming the key and its index (and the task).
    private func validate(source: String) throws(AnalysisError) {
        func fail(_ reason: String) -> AnalysisError { .invalidModel(file: source, reason: reason) }
        let k = factorLabels.count
        guard !tasks.isEmpty else { throw fail("\"tasks\" is empty; a model needs at least one task") }
        guard k >= 1 else { throw fail("\"factor_labels\" is empty; a model needs at least one factor") }
        var seen: [String: Int] = [:]
        for (t, task) in tasks.enumerated() {
            let key = "tasks[\(t)] (\(task.name))"
            if let first = seen[task.name] {
                throw fail("tasks[\(t)].name \"\(task.name)\" repeats tasks[\(first)].name; task names must be unique")
            }
            seen[task.name] = t
            guard task.loadings.count == k else {
                throw fail("\(key) has \(task.loadings.count) loadings, expected \(k) (one per factor label)")
            }
            guard task.mean.isFinite else { throw fail("\(key).mean = \(task.mean); expected a finite number") }
            guard task.sd.isFinite, task.sd >= Self.minimumSD, task.sd > Self.minimumRelativeSD * Swift.abs(task.mean) else {
                throw fail("\(key).sd = \(task.sd); expected a finite sd above \(Self.minimumSD) and above 1e-12 × |mean| (\(task.mean))")
            }
            if let j = task.loadings.firstIndex(where: { !$0.isFinite || Swift.abs($0) > Self.maximumLoading }) {
                throw fail("\(key).loadings[\(j)] = \(task.loadings[j]); expected a finite loading of at most \(Self.maximumLoading) in magnitude")
            }
            guard task.psi.isFinite, Self.psiRange.contains(task.psi) else {
                throw fail("\(key).psi = \(task.psi); expected a uniqueness in [\(Self.psiRange.lowerBound), \(Self.psiRange.upperBound)]")
            }
        }
        if let aggregate, aggregate.factorCount != k || !aggregate.factorWeights.allSatisfy(\.isFinite) {
            throw fail("aggregate.factor_weights has \(aggregate.factorCount) weight(s), expected \(k) finite numbers (one per factor label)")
        }
        let n = sweep.runNames.count
        guard n >= 1 else { throw fail("sweep.run_names is empty; new runs are ranked among the sweep's runs") }
        for (key, count) in [("theta", sweep.theta.count), ("aggregate", sweep.aggregate.count),
                             ("aggregate_sd", sweep.aggregateSD.count), ("coverage", sweep.coverage.count),
                             ("covariance_index", sweep.covarianceIndex.count)] where count != n {
            throw fail("sweep.\(key) has \(count) entries, expected \(n) (one per run of sweep.run_names)")
        }
        for i in 0..<n {
            guard sweep.theta[i].count == k, sweep.theta[i].allSatisfy(\.isFinite) else {
                throw fail("sweep.theta[\(i)] (\(sweep.runNames[i])) needs \(k) finite numbers")
            }
            guard sweep.aggregate[i].isFinite else {
                throw fail("sweep.aggregate[\(i)] (\(sweep.runNames[i])) = \(sweep.aggregate[i]); expected a finite number")
            }
            guard sweep.aggregateSD[i].isFinite, sweep.aggregateSD[i] >= 0 else {
                throw fail("sweep.aggregate_sd[\(i)] (\(sweep.runNames[i])) = \(sweep.aggregateSD[i]); expected a finite number ≥ 0")
            }
            guard sweep.coverage[i].isFinite, sweep.coverage[i] >= 0, sweep.coverage[i] <= 1 else {
                throw fail("sweep.coverage[\(i)] (\(sweep.runNames[i])) = \(sweep.coverage[i]); expected a share in [0, 1]")
            }
            guard sweep.covarianceIndex[i] >= 0, sweep.covarianceIndex[i] < sweep.covariances.count else {
                throw fail("sweep.covariance_index[\(i)] = \(sweep.covarianceIndex[i]); expected an index into sweep.covariances (\(sweep.covariances.count))")
            }
        }
        for (c, v) in sweep.covariances.enumerated() {
            try Self.checkCovariance(v, k: k, key: "sweep.covariances[\(c)]", source: source)
        }
        if let seedNoise {
            guard seedNoise.degreesOfFreedom >= 1, seedNoise.degreesOfFreedom < seedNoise.replicates else {
                throw fail("seed_noise.degrees_of_freedom = \(seedNoise.degreesOfFreedom) with replicates = \(seedNoise.replicates); expected 1 ≤ degrees of freedom < replicates")
            }
            try Self.checkCovariance(seedNoise.covariance, k: k, key: "seed_noise.covariance", source: source)
            try Self.checkCovariance(seedNoise.posteriorCovariance, k: k, key: "seed_noise.posterior_covariance", source: source)
        }
    }

    /// A k × k matrix of finite numbers with a non-negative finite diagonal.
    private static func checkCovariance(_ v: [[Double]], k: Int, key: String, source: String) throws(AnalysisError) {
        guard v.count == k, v.allSatisfy({ $0.count == k }) else {
            throw .invalidModel(file: source, reason: "\(key) is not \(k) × \(k)")
        }
        for i in 0..<k {
            if let j = v[i].firstIndex(where: { !$0.isFinite }) {
                throw .invalidModel(file: source, reason: "\(key)[\(i)][\(j)] = \(v[i][j]); expected a finite number")
            }
            guard v[i][i] >= 0 else {
                throw .invalidModel(file: source, reason: "\(key)[\(i)][\(i)] = \(v[i][i]); a variance must be ≥ 0")
            }
        }
    }
}
