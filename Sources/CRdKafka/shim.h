#ifndef SWITCHBOARD_CRDKAFKA_SHIM_H
#define SWITCHBOARD_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>

// rd_kafka_produceva takes an array of rd_kafka_vu_t, so the varargs rd_kafka_producev needs no shim.
// RD_KAFKA_PARTITION_UA is a macro cast Swift cannot import.
static inline int32_t switchboard_rd_kafka_partition_ua(void) { return RD_KAFKA_PARTITION_UA; }
static inline int64_t switchboard_rd_kafka_offset_invalid(void) { return RD_KAFKA_OFFSET_INVALID; }

#endif
