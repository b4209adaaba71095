/*
 * DeepML ONNX Runtime API bridge: lets a newer ONNX Runtime managed assembly drive an older
 * native core.
 *
 * The managed Microsoft.ML.OnnxRuntime assembly asks the native library for the C API table of
 * its own version (OrtGetApiBase()->GetApi(N)) and reads N's whole table. A core built for an
 * older API version M < N answers NULL, and the managed assembly refuses to start. ONNX Runtime's
 * table only ever grows at the end, so entries [0, entries(M)) mean the same in both versions.
 * This library stands in for the core: GetApi(v) for v <= M is the core's own answer; for
 * M < v <= the configured version it returns a copy of the core's table followed by stubs for
 * the newer entries. Each stub returns an OrtStatus with ORT_NOT_IMPLEMENTED that names the
 * entry, so every newer entry must be one that returns OrtStatus* (DeepML checks the names of
 * the newer entries against a verified list before it configures the bridge).
 *
 * The core exports only OrtGetApiBase and OrtSessionOptionsAppendExecutionProvider_CPU; its CUDA
 * provider is a plugin library beside it. The bridge also exports the classic
 * OrtSessionOptionsAppendExecutionProvider_CUDA(options, device_id), which the managed
 * SessionOptions.AppendExecutionProvider_CUDA(int) (and so ML.NET's ApplyOnnxModel with a GPU
 * device id) calls: it registers that plugin library once and appends its device with that CUDA id.
 *
 * Built by scripts/fetch-onnxruntime-cuda.sh against the headers of the core it sits beside,
 * so sizeof(OrtApi) is the core's table size. DeepML (OnnxRuntimeNative) calls
 * DeepMLOrtBridge_Open with the core's path before any ONNX Runtime use, then hands this
 * library's handle to the managed assembly's DllImport resolver.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnxruntime_c_api.h"

#define BRIDGE_EXPORT __attribute__((visibility("default")))
#define CORE_ENTRIES (sizeof(OrtApi) / sizeof(void*))
#define MAX_NEWER_ENTRIES 16

static void* core_handle;
static const OrtApiBase* core_base;
static const OrtApi* core_api;
static uint32_t bridged_version;
static void** bridged_table;
static size_t bridged_entries;
static OrtApiBase bridge_base;
static char last_error[1024];
static char cuda_library[4096];   /* libonnxruntime_providers_cuda.so beside the core */
static pthread_mutex_t cuda_lock = PTHREAD_MUTEX_INITIALIZER;
static OrtEnv* cuda_env;          /* a reference to the process's environment, kept for good once CUDA was asked for */
static int cuda_registered;

static void set_error(const char* format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
}

static OrtStatus* not_implemented(size_t entry) {
  char message[256];
  snprintf(message, sizeof message,
           "DeepML ONNX Runtime API bridge: OrtApi entry #%zu is newer than the native core "
           "(C API %d, %zu entries) and is not implemented by it. Use a native ONNX Runtime at "
           "least as new as the managed assembly for this feature.",
           entry, ORT_API_VERSION, (size_t)CORE_ENTRIES);
  return core_api->CreateStatus(ORT_NOT_IMPLEMENTED, message);
}

/* One stub per newer entry, so that the error can name the entry. */
#define STUB(i) \
  static OrtStatus* ORT_API_CALL stub_##i(void) { return not_implemented(CORE_ENTRIES + (i)); }
STUB(0) STUB(1) STUB(2) STUB(3) STUB(4) STUB(5) STUB(6) STUB(7)
STUB(8) STUB(9) STUB(10) STUB(11) STUB(12) STUB(13) STUB(14) STUB(15)
#undef STUB
static OrtStatus*(ORT_API_CALL* const stubs[MAX_NEWER_ENTRIES])(void) = {
    stub_0, stub_1, stub_2,  stub_3,  stub_4,  stub_5,  stub_6,  stub_7,
    stub_8, stub_9, stub_10, stub_11, stub_12, stub_13, stub_14, stub_15};

static const OrtApi* ORT_API_CALL bridge_get_api(uint32_t version) NO_EXCEPTION {
  if (version <= ORT_API_VERSION)
    return core_base->GetApi(version);
  if (version <= bridged_version)
    return (const OrtApi*)bridged_table;
  fprintf(stderr,
          "DeepML ONNX Runtime API bridge: C API version %u was requested, but the bridge was "
          "opened for versions up to %u over a native core with version %d.\n",
          version, bridged_version, ORT_API_VERSION);
  return NULL;
}

static const char* ORT_API_CALL bridge_version_string(void) NO_EXCEPTION {
  return core_base->GetVersionString();
}

/* The C API version this bridge was compiled for (that of the core beside it). */
BRIDGE_EXPORT uint32_t DeepMLOrtBridge_CoreApiVersion(void) { return ORT_API_VERSION; }

/* The number of OrtApi entries of that version. */
BRIDGE_EXPORT uint32_t DeepMLOrtBridge_CoreEntries(void) { return (uint32_t)CORE_ENTRIES; }

/* The reason the last DeepMLOrtBridge_Open failed. */
BRIDGE_EXPORT const char* DeepMLOrtBridge_LastError(void) { return last_error; }

/*
 * Loads the core at core_path and prepares a table of `entries` entries that GetApi answers for
 * versions up to `version`. Returns 0 on success; otherwise non-zero and DeepMLOrtBridge_LastError
 * says why. Not thread-safe: DeepML calls it once, under its own lock, before any ONNX Runtime use.
 */
BRIDGE_EXPORT int DeepMLOrtBridge_Open(const char* core_path, uint32_t version, uint32_t entries) {
  if (bridged_table != NULL) {
    set_error("the bridge is already open (C API %u); open it once per process", bridged_version);
    return 1;
  }
  if (version <= ORT_API_VERSION) {
    set_error("C API version %u needs no bridge: the core offers versions up to %d", version, ORT_API_VERSION);
    return 2;
  }
  if (entries < CORE_ENTRIES || entries - CORE_ENTRIES > MAX_NEWER_ENTRIES) {
    set_error("a table of %u entries cannot be bridged: the core has %zu and the bridge stubs at most %d newer ones",
              entries, (size_t)CORE_ENTRIES, MAX_NEWER_ENTRIES);
    return 3;
  }
  core_handle = dlopen(core_path, RTLD_NOW | RTLD_LOCAL);
  if (core_handle == NULL) {
    set_error("cannot load the core '%s': %s", core_path, dlerror());
    return 4;
  }
  const OrtApiBase* (*get_base)(void) = (const OrtApiBase* (*)(void))dlsym(core_handle, "OrtGetApiBase");
  if (get_base == NULL) {
    set_error("'%s' has no OrtGetApiBase: it is not an ONNX Runtime core", core_path);
    return 5;
  }
  core_base = get_base();
  core_api = core_base->GetApi(ORT_API_VERSION);
  if (core_api == NULL) {
    set_error("the core '%s' (ONNX Runtime %s) does not offer C API version %d, which the bridge was built for; "
              "build the bridge against the headers of that core", core_path, core_base->GetVersionString(), ORT_API_VERSION);
    return 6;
  }
  bridged_table = calloc(entries, sizeof(void*));
  if (bridged_table == NULL) {
    set_error("out of memory");
    return 7;
  }
  memcpy(bridged_table, core_api, sizeof(OrtApi));
  for (size_t i = CORE_ENTRIES; i < entries; i++)
    bridged_table[i] = (void*)stubs[i - CORE_ENTRIES];
  char folder[sizeof cuda_library];
  snprintf(folder, sizeof folder, "%s", core_path);
  snprintf(cuda_library, sizeof cuda_library, "%s/libonnxruntime_providers_cuda.so", dirname(folder));
  bridged_entries = entries;
  bridged_version = version;
  bridge_base.GetApi = bridge_get_api;
  bridge_base.GetVersionString = bridge_version_string;
  return 0;
}

/* The managed assembly's entry point. Before DeepMLOrtBridge_Open succeeded there is no core: NULL. */
BRIDGE_EXPORT const OrtApiBase* ORT_API_CALL OrtGetApiBase(void) NO_EXCEPTION {
  return bridged_table != NULL ? &bridge_base : NULL;
}

/* The one other entry point a core exports; forwarded. */
BRIDGE_EXPORT OrtStatus* ORT_API_CALL OrtSessionOptionsAppendExecutionProvider_CPU(OrtSessionOptions* options, int use_arena) {
  OrtStatus* (*forward)(OrtSessionOptions*, int) =
      core_handle == NULL ? NULL : (OrtStatus * (*)(OrtSessionOptions*, int)) dlsym(core_handle, "OrtSessionOptionsAppendExecutionProvider_CPU");
  if (forward == NULL)
    return core_api == NULL ? NULL : core_api->CreateStatus(ORT_NOT_IMPLEMENTED, "DeepML ONNX Runtime API bridge: the core exports no OrtSessionOptionsAppendExecutionProvider_CPU");
  return forward(options, use_arena);
}

/* The CUDA device id an EP device stands for: its "cuda_device_id" metadata, or -1 without one. */
static int cuda_device_id(const OrtEpDevice* device) {
  const char* id = core_api->GetKeyValue(core_api->EpDevice_EpMetadata(device), "cuda_device_id");
  return id == NULL ? -1 : atoi(id);
}

/*
 * The classic entry point, for a core whose CUDA provider is a plugin library: registers the library
 * beside the core once per process (under the name "DeepML.CUDA") and appends the provider's device
 * whose cuda_device_id is device_id (or, where the provider gives no ids, the device_id-th one).
 * Errors come back as ONNX Runtime statuses: the library's load failure names the missing CUDA library.
 */
BRIDGE_EXPORT OrtStatus* ORT_API_CALL OrtSessionOptionsAppendExecutionProvider_CUDA(OrtSessionOptions* options, int device_id) {
  /* core_api is set: the managed assembly called OrtGetApiBase (after Open) before it made any session options. */
  OrtStatus* status = NULL;
  pthread_mutex_lock(&cuda_lock);
  if (cuda_env == NULL) {
    /* The environment is a process-wide singleton: this returns the managed assembly's one with one more reference.
       The reference is never released, so the registered library outlives every session that uses it. */
    status = core_api->CreateEnv(ORT_LOGGING_LEVEL_WARNING, "DeepML", &cuda_env);
  }
  if (status == NULL && !cuda_registered) {
    status = core_api->RegisterExecutionProviderLibrary(cuda_env, "DeepML.CUDA", cuda_library);
    cuda_registered = status == NULL;
  }
  pthread_mutex_unlock(&cuda_lock);
  if (status != NULL)
    return status;

  const OrtEpDevice* const* devices = NULL;
  size_t count = 0;
  status = core_api->GetEpDevices(cuda_env, &devices, &count);
  if (status != NULL)
    return status;
  const OrtEpDevice* chosen = NULL;
  size_t cuda_devices = 0, with_ids = 0;
  for (size_t i = 0; i < count; i++) {
    if (strcmp(core_api->EpDevice_EpName(devices[i]), "CUDAExecutionProvider") != 0)
      continue;
    int id = cuda_device_id(devices[i]);
    with_ids += id >= 0;
    if (id == device_id || (id < 0 && with_ids == 0 && (size_t)device_id == cuda_devices))
      chosen = devices[i];
    cuda_devices++;
  }
  if (chosen == NULL || device_id < 0) {
    char message[sizeof cuda_library + 256];
    snprintf(message, sizeof message,
             "DeepML ONNX Runtime API bridge: CUDA device %d was requested, but ONNX Runtime's CUDA provider (%s) found %zu CUDA device%s",
             device_id, cuda_library, cuda_devices, cuda_devices == 1 ? "" : "s");
    return core_api->CreateStatus(ORT_FAIL, message);
  }
  return core_api->SessionOptionsAppendExecutionProvider_V2(options, cuda_env, &chosen, 1, NULL, NULL, 0);
}
