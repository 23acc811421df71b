internal import CRdKafka

extension KafkaError {
    /// Maps a librdkafka response code to a `KafkaError`: the one place where C error codes are translated.
    static func from(
        _ err: rd_kafka_resp_err_t,
        context: String,
        file: String = #fileID,
        line: Int = #line
    ) -> KafkaError {
        let name = String(cString: rd_kafka_err2name(err))
        let text = String(cString: rd_kafka_err2str(err))
        let code: Code
        switch err {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
            RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
            code = .transport
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
            code = .timedOut
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
            code = .queueFull
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            code = .unknownTopic
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
            code = .topicAlreadyExists
        case RD_KAFKA_RESP_ERR__FATAL:
            code = .fatal
        case RD_KAFKA_RESP_ERR__INVALID_ARG, RD_KAFKA_RESP_ERR__INVALID_TYPE:
            code = .invalidConfiguration
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
            RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_INVALID_MSG,
            RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED,
            RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE,
            RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
            code = .recordRejected
        default:
            code = .broker
        }
        return KafkaError(
            code: code,
            underlyingCode: err.rawValue,
            reason: "\(context): \(name): \(text)",
            isRetriable: isRetriable(err),
            file: file,
            line: line
        )
    }

    /// Whether a commit was refused because the group gave this member's partitions to another member
    /// meanwhile (a rebalance, or this member timed out of the group). The new owner consumes from the last
    /// committed offset, so the records come again there: at least once holds, and the commit is not a
    /// failure of the batch.
    var meansPartitionsMovedToAnotherMember: Bool {
        guard let underlyingCode else { return false }
        switch rd_kafka_resp_err_t(rawValue: underlyingCode) {
        case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION,
            RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID:
            return true
        default:
            return false
        }
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    static func consuming(
        _ error: OpaquePointer,
        context: String,
        file: String = #fileID,
        line: Int = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        var mapped = from(err, context: context, file: file, line: line)
        if rd_kafka_error_is_fatal(error) != 0 {
            mapped = KafkaError(
                code: .fatal, underlyingCode: err.rawValue, reason: mapped.reason, isRetriable: false, file: file,
                line: line)
        } else if rd_kafka_error_is_retriable(error) != 0, !mapped.isRetriable {
            mapped = KafkaError(
                code: mapped.code, underlyingCode: err.rawValue, reason: mapped.reason, isRetriable: true, file: file,
                line: line)
        }
        return mapped
    }

    private static func isRetriable(_ err: rd_kafka_resp_err_t) -> Bool {
        switch err {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
            RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
            RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
            RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
            return true
        default:
            return false
        }
    }
}
