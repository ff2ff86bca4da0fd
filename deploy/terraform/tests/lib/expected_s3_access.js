'use strict';
// THE list of what s3proc does in its bucket, and so exactly what the instance role (`run`) and
// the operator policy (`status`, `redrive`) may do.
// The IAM test (iam.test.js) fails when a policy in ../../iam.tf grants more or less than this;
// docs.test.js checks it against the table in ../README.md and the requests in src/s3/.
// Change it only together with the processor, and say which operation needs the change.
//
// Operations s3proc performs:
//   s3proc run
//     - ListObjectsV2 on input/ and leases/             -> s3:ListBucket (s3:prefix input/*, leases/*)
//     - a HEAD or GET of a missing key answers 403 without an unconditional s3:ListBucket (as here):
//       s3proc then lists the key itself as a prefix   -> s3:ListBucket (s3:prefix input/*, leases/*)
//     - GET the current object (its version id comes back in the answer)
//                                                      -> s3:GetObject on input/*
//     - after a crash, HEAD output/<key> and errors/<key> to find what was already stored;
//       after a create-only PUT's 412, HEAD the key to see whose object it is
//                                                      -> s3:GetObject on output/* and errors/*
//     - PUT the result to output/ (If-None-Match: *), single or multipart
//                                                      -> s3:PutObject (covers Create/UploadPart/Complete),
//       abort a multipart upload that failed              s3:AbortMultipartUpload on output/*
//       (s3proc never lists the parts of an upload: no s3:ListMultipartUploadParts)
//     - on rejection: PUT the unchanged input to errors/<key> and errors/<key>.error.json (may be multipart),
//       or to errors/<key>.<etag12> and its .error.json when a name is taken; DELETE a reason it just
//       stored when its copy's name proved taken (no version id: no s3:DeleteObjectVersion)
//                                                      -> the same two actions and s3:DeleteObject on errors/*
//     - DELETE the input, the exact version on a versioned bucket (a newer version a producer
//       uploaded meanwhile is never deleted with it)
//                                                      -> s3:DeleteObject, s3:DeleteObjectVersion on input/*
//     - leases: conditional PUT (If-None-Match: * creates the next generation), GET to read the holder
//       and expiry, DELETE when done                   -> s3:PutObject, s3:GetObject, s3:DeleteObject on leases/*
//       (the processor id is only written locally: nothing else in the bucket)
//   s3proc status (on the instance, it needs nothing run does not have; for operators, the
//   operator policy)
//     - ListObjectsV2 on input/, output/, errors/, leases/ -> s3:ListBucket with those prefixes
//   s3proc redrive (the operator policy only: the instance role cannot write into input/)
//     - ListObjectsV2 on errors/; HEAD input/<key> (403 when missing: then a listing of input/<key>);
//       HEAD errors/<key>.<etag12> (a renamed error copy: which input it came from)
//                                                      -> s3:ListBucket (s3:prefix errors/*, input/*), s3:GetObject on input/*, errors/*
//     - copy errors/* back to input/ (GET the source, PUT the destination), then DELETE the error copy
//                                                      -> s3:GetObject, s3:DeleteObject on errors/*, s3:PutObject on input/*
//
//   s3proc run --queue-url (queue mode, only with enable_event_queue; its own role policy)
//     - ReceiveMessage (long poll), DeleteMessage once the output or error copy is stored,
//       ChangeMessageVisibility at half-life while an object is still being worked on,
//       GetQueueAttributes (the RedrivePolicy names the dead-letter queue), GetQueueUrl
//                                                      -> those five sqs: actions on the event queue
//     - the S3 side is listing mode's, less the listing of new inputs: a missing key is still
//       found by listing it (the 403 above), and status and redrive still list, so s3:ListBucket stays
//   s3proc status (queue mode; on the instance, and in the operator policy)
//     - GetQueueAttributes of the queue (visible, in flight) and of the dead-letter queue (its
//       count), whose URL it asks for by the name in the RedrivePolicy -> sqs:GetQueueAttributes,
//       sqs:GetQueueUrl on the dead-letter queue
//   Never: SendMessage, PurgeQueue, DeleteQueue, SetQueueAttributes (S3 sends; Terraform manages).
//
// Resources are written with BUCKET for the bucket's ARN (arn:aws:s3:::BUCKET).

const LIST_PREFIXES = ['input/*', 'output/*', 'errors/*', 'leases/*'];

const BUCKET_ACTIONS = {
  // s3:ListBucket, allowed only for these s3:prefix values (StringLike).
  'arn:aws:s3:::BUCKET': ['s3:ListBucket'],
};

// The instance role: `s3proc run`. Never PutObject on input/ (that is redrive's, below).
const OBJECT_ACTIONS = {
  'arn:aws:s3:::BUCKET/input/*': [
    's3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion',
  ],
  'arn:aws:s3:::BUCKET/output/*': [
    's3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload',
  ],
  'arn:aws:s3:::BUCKET/errors/*': [
    's3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject', 's3:DeleteObject',
  ],
  'arn:aws:s3:::BUCKET/leases/*': ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
};

// The operator policy (create_operator_policy): `s3proc status` and `s3proc redrive`, alone.
// Its s3:ListBucket is the instance's (the same four prefixes, LIST_PREFIXES).
const OPERATOR_OBJECT_ACTIONS = {
  'arn:aws:s3:::BUCKET/input/*': ['s3:GetObject', 's3:PutObject'],
  'arn:aws:s3:::BUCKET/errors/*': ['s3:GetObject', 's3:DeleteObject'],
};

// Only when kms_key_arn is set (SSE-KMS): writing needs a data key, reading needs Decrypt; both
// only through S3 (kms:ViaService), in the instance role and in the operator policy.
const KMS_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

// Queue mode: what the instance role may do on the event queue and on its dead-letter queue.
const QUEUE_ACTIONS = [
  'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl',
];
const DEAD_LETTER_QUEUE_ACTIONS = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
// The operator policy in queue mode: `status --queue-url`, read-only.
const OPERATOR_QUEUE_ACTIONS = ['sqs:GetQueueAttributes'];

// The folder markers created as zero-byte objects (what users see in the console).
const FOLDERS = ['input/', 'output/', 'errors/'];

module.exports = {
  LIST_PREFIXES, BUCKET_ACTIONS, OBJECT_ACTIONS, OPERATOR_OBJECT_ACTIONS, KMS_ACTIONS, QUEUE_ACTIONS,
  DEAD_LETTER_QUEUE_ACTIONS, OPERATOR_QUEUE_ACTIONS, FOLDERS,
};
