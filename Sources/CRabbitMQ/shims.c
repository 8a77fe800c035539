#include "crabbitmq.h"

#include <stdlib.h>
#include <string.h>

att_amqp_table *att_amqp_table_new(void) {
  att_amqp_table *t = calloc(1, sizeof *t);
  if (t != NULL) t->table.entries = t->entries;
  return t;
}

void att_amqp_table_free(att_amqp_table *t) { free(t); }

int att_amqp_table_add_string(att_amqp_table *t, const char *key, const char *value) {
  if (t->table.num_entries >= 8) return 0;
  amqp_table_entry_t *e = &t->entries[t->table.num_entries++];
  e->key = amqp_cstring_bytes(key);
  e->value.kind = AMQP_FIELD_KIND_UTF8;
  e->value.value.bytes = amqp_cstring_bytes(value);
  return 1;
}

amqp_basic_properties_t att_amqp_persistent_properties(const amqp_table_t *headers) {
  amqp_basic_properties_t p;
  memset(&p, 0, sizeof p);
  p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  p.content_type = amqp_cstring_bytes("application/json");
  p.delivery_mode = 2;  // persistent
  if (headers != NULL && headers->num_entries > 0) {
    p._flags |= AMQP_BASIC_HEADERS_FLAG;
    p.headers = *headers;
  }
  return p;
}

long att_amqp_header_string(const amqp_basic_properties_t *properties, const char *key, char *buffer, size_t size) {
  if (!(properties->_flags & AMQP_BASIC_HEADERS_FLAG)) return -1;
  size_t key_length = strlen(key);
  for (int i = 0; i < properties->headers.num_entries; ++i) {
    const amqp_table_entry_t *e = &properties->headers.entries[i];
    if (e->key.len != key_length || memcmp(e->key.bytes, key, key_length) != 0) continue;
    if (e->value.kind != AMQP_FIELD_KIND_UTF8 && e->value.kind != AMQP_FIELD_KIND_BYTES) return -1;
    size_t n = e->value.value.bytes.len < size - 1 ? e->value.value.bytes.len : size - 1;
    memcpy(buffer, e->value.value.bytes.bytes, n);
    buffer[n] = 0;
    return (long)n;
  }
  return -1;
}

amqp_rpc_reply_t att_amqp_login_plain(amqp_connection_state_t state, const char *vhost, int heartbeat,
                                      const char *user, const char *password) {
  return amqp_login(state, vhost, 0, 131072, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

int att_amqp_server_error(amqp_rpc_reply_t reply, int *code, char *text, size_t size) {
  if (reply.reply_type != AMQP_RESPONSE_SERVER_EXCEPTION || size == 0) return 0;
  amqp_bytes_t message = {0, NULL};
  if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    amqp_connection_close_t *m = (amqp_connection_close_t *)reply.reply.decoded;
    *code = m->reply_code;
    message = m->reply_text;
  } else if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    amqp_channel_close_t *m = (amqp_channel_close_t *)reply.reply.decoded;
    *code = m->reply_code;
    message = m->reply_text;
  } else {
    *code = (int)reply.reply.id;
  }
  size_t n = message.len < size - 1 ? message.len : size - 1;
  if (n > 0) memcpy(text, message.bytes, n);
  text[n] = 0;
  return 1;
}

int att_amqp_frame_method(const amqp_frame_t *frame, uint64_t *delivery_tag, int *multiple) {
  if (frame->frame_type != AMQP_FRAME_METHOD) return 0;
  if (frame->payload.method.id == AMQP_BASIC_ACK_METHOD) {
    amqp_basic_ack_t *ack = (amqp_basic_ack_t *)frame->payload.method.decoded;
    *delivery_tag = ack->delivery_tag;
    *multiple = ack->multiple;
    return 1;
  }
  if (frame->payload.method.id == AMQP_BASIC_NACK_METHOD) {
    amqp_basic_nack_t *nack = (amqp_basic_nack_t *)frame->payload.method.decoded;
    *delivery_tag = nack->delivery_tag;
    *multiple = nack->multiple;
    return 2;
  }
  if (frame->payload.method.id == AMQP_CHANNEL_CLOSE_METHOD) return 3;
  if (frame->payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) return 4;
  return 5;
}

long att_amqp_close_reason(amqp_connection_state_t state, int *code, char *text, size_t size) {
  if (size == 0) return -1;
  text[0] = 0;
  amqp_frame_t frame;
  struct timeval wait = {1, 0};
  if (amqp_simple_wait_frame_noblock(state, &frame, &wait) != AMQP_STATUS_OK) return -1;
  return att_amqp_frame_close_reason(state, &frame, code, text, size);
}

long att_amqp_frame_close_reason(amqp_connection_state_t state, const amqp_frame_t *frame_in, int *code, char *text,
                                 size_t size) {
  if (size == 0) return -1;
  text[0] = 0;
  amqp_frame_t frame = *frame_in;
  if (frame.frame_type != AMQP_FRAME_METHOD) return -1;
  amqp_bytes_t message = {0, NULL};
  if (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    amqp_connection_close_t *m = (amqp_connection_close_t *)frame.payload.method.decoded;
    *code = m->reply_code;
    message = m->reply_text;
    amqp_connection_close_ok_t ok = {0};
    amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
  } else if (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    amqp_channel_close_t *m = (amqp_channel_close_t *)frame.payload.method.decoded;
    *code = m->reply_code;
    message = m->reply_text;
    amqp_channel_close_ok_t ok = {0};
    amqp_send_method(state, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
  } else {
    return -1;
  }
  size_t n = message.len < size - 1 ? message.len : size - 1;
  if (n > 0) memcpy(text, message.bytes, n);
  text[n] = 0;
  return (long)n;
}
