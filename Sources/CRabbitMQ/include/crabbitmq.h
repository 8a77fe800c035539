// CRabbitMQ: librabbitmq (rabbitmq-c 0.11, Debian's librabbitmq-dev) for Swift.
//
// Swift imports amqp.h directly; the shims below exist because building AMQP field tables (the
// queue arguments and message headers) means filling C unions, which Swift does clumsily, and because
// a few macros (AMQP_BASIC_*_FLAG) do not import.
#ifndef CRABBITMQ_H
#define CRABBITMQ_H

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/// amqp_login with PLAIN credentials: amqp_login itself is variadic, which Swift cannot call.
amqp_rpc_reply_t att_amqp_login_plain(amqp_connection_state_t state, const char *vhost, int heartbeat,
                                      const char *user, const char *password);

/// The reply code and text of a server exception (connection.close or channel.close) in `reply`;
/// returns 0 when the reply is of another kind.
int att_amqp_server_error(amqp_rpc_reply_t reply, int *code, char *text, size_t size);

/// Classifies a method frame received while waiting for publisher confirms: 1 basic.ack, 2 basic.nack
/// (with the tag and multiple flag), 3 channel.close, 4 connection.close, 5 another method, 0 not a method.
int att_amqp_frame_method(const amqp_frame_t *frame, uint64_t *delivery_tag, int *multiple);

/// A table of up to 8 string-valued entries whose keys and values point into caller-owned memory.
typedef struct att_amqp_table {
  amqp_table_entry_t entries[8];
  amqp_table_t table;
} att_amqp_table;

/// A new empty table on the heap (its entries point into itself, so it must not move); free with
/// att_amqp_table_free.
att_amqp_table *att_amqp_table_new(void);
void att_amqp_table_free(att_amqp_table *t);
/// Adds key = UTF-8 string value; returns 0 when the table is full.
int att_amqp_table_add_string(att_amqp_table *t, const char *key, const char *value);

/// Properties of a persistent application/json message with optional headers.
amqp_basic_properties_t att_amqp_persistent_properties(const amqp_table_t *headers);

/// The string value of header `key` in a delivered message's properties, copied into `buffer`
/// (NUL-terminated); returns the length, or -1 when the header is absent or not a string.
long att_amqp_header_string(const amqp_basic_properties_t *properties, const char *key, char *buffer, size_t size);

/// After a call returned AMQP_STATUS_UNEXPECTED_STATE (a method frame arrived where content was
/// expected), reads that frame: when it is connection.close or channel.close (the broker shutting
/// down, a deleted queue), answers close-ok and copies the broker's reply code and text. Returns the
/// text's length, or -1 when the frame is something else or does not arrive within a second.
long att_amqp_close_reason(amqp_connection_state_t state, int *code, char *text, size_t size);

/// The same, for a close frame already read (answered with close-ok): its code and reply text.
long att_amqp_frame_close_reason(amqp_connection_state_t state, const amqp_frame_t *frame, int *code, char *text,
                                 size_t size);

#ifdef __cplusplus
}
#endif
#endif
