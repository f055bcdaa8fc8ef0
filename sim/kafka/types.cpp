#include "kafka/types.hpp"

namespace ks::kafka {

std::string_view error_name(Error e) {
    switch (e) {
        case Error::none:
            return "NONE";
        case Error::not_leader_or_follower:
            return "NOT_LEADER_OR_FOLLOWER";
        case Error::not_enough_replicas:
            return "NOT_ENOUGH_REPLICAS";
        case Error::not_enough_replicas_after_append:
            return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
        case Error::request_timed_out:
            return "REQUEST_TIMED_OUT";
        case Error::offset_out_of_range:
            return "OFFSET_OUT_OF_RANGE";
        case Error::fenced_leader_epoch:
            return "FENCED_LEADER_EPOCH";
        case Error::unknown_leader_epoch:
            return "UNKNOWN_LEADER_EPOCH";
        case Error::out_of_order_sequence_number:
            return "OUT_OF_ORDER_SEQUENCE_NUMBER";
        case Error::duplicate_sequence_number:
            return "DUPLICATE_SEQUENCE_NUMBER";
        case Error::unknown_topic_or_partition:
            return "UNKNOWN_TOPIC_OR_PARTITION";
        case Error::invalid_update_version:
            return "INVALID_UPDATE_VERSION";
        case Error::stale_broker_epoch:
            return "STALE_BROKER_EPOCH";
        case Error::ineligible_replica:
            return "INELIGIBLE_REPLICA";
        case Error::new_leader_elected:
            return "NEW_LEADER_ELECTED";
        case Error::operation_not_attempted:
            return "OPERATION_NOT_ATTEMPTED";
        case Error::broker_not_available:
            return "BROKER_NOT_AVAILABLE";
        case Error::leader_not_available:
            return "LEADER_NOT_AVAILABLE";
        case Error::network_exception:
            return "NETWORK_EXCEPTION";
        case Error::coordinator_not_available:
            return "COORDINATOR_NOT_AVAILABLE";
        case Error::not_coordinator:
            return "NOT_COORDINATOR";
        case Error::rebalance_in_progress:
            return "REBALANCE_IN_PROGRESS";
        case Error::unknown_member_id:
            return "UNKNOWN_MEMBER_ID";
        case Error::illegal_generation:
            return "ILLEGAL_GENERATION";
        case Error::member_id_required:
            return "MEMBER_ID_REQUIRED";
        case Error::fenced_instance_id:
            return "FENCED_INSTANCE_ID";
        case Error::duplicate_broker_registration:
            return "DUPLICATE_BROKER_REGISTRATION";
        case Error::not_controller:
            return "NOT_CONTROLLER";
        case Error::invalid_request:
            return "INVALID_REQUEST";
        case Error::unsupported_version:
            return "UNSUPPORTED_VERSION";
        case Error::fenced_member_epoch:
            return "FENCED_MEMBER_EPOCH";
        case Error::stale_member_epoch:
            return "STALE_MEMBER_EPOCH";
        case Error::unreleased_instance_id:
            return "UNRELEASED_INSTANCE_ID";
        case Error::group_id_not_found:
            return "GROUP_ID_NOT_FOUND";
        case Error::inconsistent_group_protocol:
            return "INCONSISTENT_GROUP_PROTOCOL";
    }
    return "UNKNOWN";
}

bool is_retriable(Error e) {
    switch (e) {
        case Error::not_leader_or_follower:
        case Error::not_enough_replicas:
        case Error::not_enough_replicas_after_append:
        case Error::request_timed_out:
        case Error::offset_out_of_range:
        case Error::fenced_leader_epoch:
        case Error::unknown_leader_epoch:
        case Error::unknown_topic_or_partition:
        case Error::broker_not_available:
        case Error::leader_not_available:
        case Error::network_exception:
        case Error::coordinator_not_available:
        case Error::not_coordinator:
            return true;
        default:
            return false;
    }
}

}  // namespace ks::kafka
