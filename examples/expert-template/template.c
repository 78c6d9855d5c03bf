/*
 * template.c - a small, complete Network Monitor 2.x expert to start from.
 *
 * What it does: counts the TCP frames of a capture per destination port and reports the
 * busiest ports as events, like this (nmhost's text report):
 *
 *     informational  Busy port  port 80: 96 of 156 TCP frames  port=80 frames=96 share=61.53846154
 *
 * What it shows, in the order Network Monitor (or nmhost) calls it:
 *   DllMain    the DLL is loaded.
 *   Register   the expert says who it is (name, vendor, description, flags).
 *   Configure  called only when the expert registers EXPERT_ENUM_FLAG_CONFIGURABLE and the
 *              user asks for it (nmhost --configure): creates the configuration block.
 *   Run        the work, on a thread of its own: a filter (only TCP frames), the frames
 *              with their properties (the TCP "Destination Port" of each), progress
 *              (ExpertIndicateStatus), events (ExpertSubmitEvent), and every block of
 *              memory it took from ExpertAllocMemory given back with ExpertFreeMemory.
 *
 * Everything comes from MinGW-w64's <netmon.h>; nmapi.dll provides the functions.
 * nmshim_add_expert (CMakeLists.txt) builds it so that Windows finds "Register",
 * "Configure", "Run" and "DllMain" by these plain names on i686 and x86_64.
 * Rename the file, the strings in Register and the target in CMakeLists.txt, then replace
 * count_frame() and report() with your own analysis.
 */
#include <windows.h>
#include <netmon.h>
#include <stdio.h>
#include <string.h>

/* The four entry points. WINAPI (stdcall on i686) is what Network Monitor calls them
 * with; __declspec(dllexport) puts them in the DLL's export table. */
__declspec(dllexport) BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved);
__declspec(dllexport) BOOL WINAPI Register(PEXPERTENUMINFO info);
__declspec(dllexport) BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config,
                                            PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);
__declspec(dllexport) BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config,
                                      PEXPERTSTARTUPINFO startup, DWORD flags, HWND wnd);

#define EXPERT_NAME  "Expert Template"
#define DEFAULT_TOP  5          /* ports reported when there is no configuration */
#define MAX_TOP      20
#define NPORTS       65536
#define NCOLUMNS     3          /* columns of the per-port events: port, frames, share */

/* The configuration block. Network Monitor stores it as raw bytes and hands it back to
 * Run; its first DWORD must be the length of the whole block (EXPERTCONFIG). */
struct template_config {
    DWORD RawConfigLength;      /* = sizeof(struct template_config) */
    DWORD top;                  /* how many ports to report */
};

/* What Run collects. All of it lives in memory from ExpertAllocMemory: the host frees
 * whatever an expert forgets, but reports it as leaked. */
struct state {
    HEXPERTKEY key;             /* this run's key: the first argument of every Expert* call */
    HPROPERTY dport;            /* the TCP "Destination Port" property */
    DWORD *frames;              /* frames per destination port, NPORTS entries */
    DWORD tcp_frames;           /* frames that passed the filter */
};

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
    /* Nothing to set up. Keep DllMain short: it runs under the Windows loader lock. */
    (void)dll; (void)reason; (void)reserved;
    return TRUE;
}

BOOL WINAPI Register(PEXPERTENUMINFO info)
{
    /* The strings are fixed arrays of EXPERTSTRINGLENGTH characters. */
    snprintf(info->szName, sizeof(info->szName), EXPERT_NAME);
    snprintf(info->szVendor, sizeof(info->szVendor), "nmshim examples");
    snprintf(info->szDescription, sizeof(info->szDescription),
             "Counts TCP frames per destination port and reports the busiest ports");
    info->Version = 1;
    info->Flags = EXPERT_ENUM_FLAG_CONFIGURABLE;
    return TRUE;
}

BOOL WINAPI Configure(HEXPERTKEY key, PEXPERTCONFIG *config, PEXPERTSTARTUPINFO startup,
                      DWORD flags, HWND wnd)
{
    struct template_config *cfg;
    DWORD err = 0;

    (void)startup; (void)flags;
    if (!config)
        return FALSE;
    /* A stored configuration from an earlier Configure: keep it if it is ours. */
    if (*config && (*config)->RawConfigLength >= sizeof(struct template_config))
        return TRUE;
    /* Otherwise a new block, from this key's allocator: the host copies it out when
     * Configure returns (the Configure page: a new or grown block goes back in *config). */
    cfg = *config ? ExpertReallocMemory(key, *config, sizeof(*cfg), &err)
                  : ExpertAllocMemory(key, sizeof(*cfg), &err);
    if (!cfg)
        return FALSE;
    cfg->RawConfigLength = sizeof(*cfg);
    cfg->top = DEFAULT_TOP;
    /* A real expert would show a dialog here when wnd is not NULL (nmhost calls
     * Configure headless, wnd NULL) and store what the user chose. */
    (void)wnd;
    *config = (PEXPERTCONFIG)cfg;
    return TRUE;
}

/* The value of a WORD property instance, e.g. a TCP port. A parser either points into
 * the frame (DataLength bytes at lpByte) or, for DataLength 0xFFFF, gives a decoded copy
 * (lpPropertyInstEx). Ports are BYTESWAPPED_WORD: stored in network byte order, so the
 * bytes are swapped, unless the parser already did (IFLAG_SWAPPED). */
static BOOL read_word(LPPROPERTYINST inst, WORD *value)
{
    const BYTE *data = inst->lpByte;
    DWORD len = inst->DataLength;
    BOOL swapped = (inst->lpPropertyInfo->DataType == PROP_TYPE_BYTESWAPPED_WORD) !=
                   ((inst->IFlags & IFLAG_SWAPPED) != 0);
    WORD w;

    if (len == 0xffff) {
        data = inst->lpPropertyInstEx->Byte;
        len = inst->lpPropertyInstEx->LengthEx;
    }
    if (len < sizeof(w))
        return FALSE;
    memcpy(&w, data, sizeof(w));        /* frame data is not aligned */
    *value = swapped ? XCHG(w) : w;
    return TRUE;
}

/* One TCP frame: count each of its "Destination Port" instances. FindPropertyInstance
 * gives the first instance only; FindPropertyInstanceRestart walks them all (a frame can
 * carry a property twice, e.g. TCP inside a tunnel): pass the last one found as the
 * restart key, starting from NULL, until it returns NULL. */
static void count_frame(struct state *st, HFRAME frame)
{
    LPPROPERTYINST inst = NULL;
    WORD port;

    st->tcp_frames++;
    while ((inst = FindPropertyInstanceRestart(frame, st->dport, &inst, TRUE)) != NULL) {
        if (read_word(inst, &port))
            st->frames[port]++;
    }
}

/* Progress for Network Monitor's status display (nmhost shows a bar): 0..99 percent; the
 * host shows 100 when Run returns TRUE. NMERR_EXPERT_TERMINATE means "stop now". */
static DWORD progress(struct state *st, DWORD frame, DWORD total, LONG *last)
{
    LONG percent = total ? (LONG)((ULONGLONG)frame * 100 / total) : 0;

    if (percent <= *last || percent > 99)
        return NMERR_SUCCESS;
    *last = percent;
    return ExpertIndicateStatus(st->key, EXPERTSTATUS_RUNNING, 0, "Counting TCP ports", percent);
}

static void set_column(NMCOLUMNINFO *c, const char *name, NMCOLUMNTYPE type)
{
    c->szColumnName = (LPSTR)name;
    c->VariantData.Type = type;
}

/* The events: one per busy port, busiest first. The host copies each event when it is
 * submitted, so one buffer is filled and submitted again for every port. */
static DWORD report(struct state *st, DWORD top)
{
    char description[128];
    NMEVENTDATA *ev;
    DWORD err = NMERR_SUCCESS, i, port, best;

    /* NMEVENTDATA ends in an array of columns: allocate room for ours. */
    ev = ExpertAllocMemory(st->key, sizeof(NMEVENTDATA) + NCOLUMNS * sizeof(NMCOLUMNINFO), &err);
    if (!ev)
        return err;
    /* ExpertAllocMemory gives zeroed memory: Version 0, no time, no machine name. */
    ev->EventIdent = 1;
    ev->Flags = NMEVENTFLAG_EXPERT;
    ev->Severity = NMEVENT_SEVERITY_INFORMATIONAL;
    ev->szSourceName = (LPSTR)EXPERT_NAME;
    ev->szEventName = (LPSTR)"Busy port";
    ev->szDescription = description;
    ev->NumColumns = NCOLUMNS;
    set_column(&ev->Column[0], "port", NMCOLUMNTYPE_UINT16);
    set_column(&ev->Column[1], "frames", NMCOLUMNTYPE_UINT32);
    set_column(&ev->Column[2], "share", NMCOLUMNTYPE_FLOAT64);

    for (i = 0; i < top; i++) {
        best = 0;
        for (port = 1; port < NPORTS; port++)
            if (st->frames[port] > st->frames[best])
                best = port;
        if (st->frames[best] == 0)
            break;                      /* fewer busy ports than asked for */
        snprintf(description, sizeof(description), "port %lu: %lu of %lu TCP frames",
                 (unsigned long)best, (unsigned long)st->frames[best],
                 (unsigned long)st->tcp_frames);
        ev->Column[0].VariantData.Value.Uint16Val = (WORD)best;
        ev->Column[1].VariantData.Value.Uint32Val = st->frames[best];
        ev->Column[2].VariantData.Value.Float64Val = 100.0 * st->frames[best] / st->tcp_frames;
        err = ExpertSubmitEvent(st->key, ev);
        if (err != NMERR_SUCCESS)
            break;
        st->frames[best] = 0;           /* done with it: the next round finds the next one */
    }
    ExpertFreeMemory(st->key, ev);
    return err;
}

BOOL WINAPI Run(HEXPERTKEY key, PEXPERTCONFIG config, PEXPERTSTARTUPINFO startup,
                DWORD flags, HWND wnd)
{
    const struct template_config *cfg = (const struct template_config *)config;
    struct state st = { .key = key };
    EXPERTFRAMEDESCRIPTOR desc;
    FILTEROBJECT2 object;
    HPROTOCOL tcp;
    HFILTER filter = NULL;
    DWORD err, frame, total, top = DEFAULT_TOP;
    LONG last = -1;
    char text[EXPERTSTRINGLENGTH];
    BOOL ok = FALSE;

    (void)wnd;
    err = ExpertIndicateStatus(key, EXPERTSTATUS_STARTING, 0, "Initializing", 0);
    if (err != NMERR_SUCCESS)
        return FALSE;       /* NMERR_EXPERT_TERMINATE: stopped before it began */

    /* The configuration, if Configure made one (and the user did not start the expert
     * from a right click, which asks for the startup data instead). */
    if (cfg && !(flags & EXPERT_STARTUP_FLAG_USE_STARTUP_DATA_OVER_CONFIG_DATA) &&
        cfg->RawConfigLength >= sizeof(*cfg) && cfg->top >= 1 && cfg->top <= MAX_TOP)
        top = cfg->top;

    /* Protocols and properties are looked up by name; the names are the parsers'
     * (nmhost --protocols lists them). */
    tcp = GetProtocolFromName((LPSTR)"TCP");
    if (tcp)
        st.dport = GetProperty(tcp, (LPSTR)"Destination Port");
    if (!tcp || !st.dport) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "no TCP parser", 0);
        return FALSE;
    }

    /* The filter: "the frame has TCP in it", as the SDK's template builds it. Filters
     * are postfix programs of FILTEROBJECT2 entries; this one has a single entry. */
    filter = CreateFilter();
    if (!filter) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "CreateFilter failed", 0);
        return FALSE;
    }
    memset(&object, 0, sizeof(object));
    object.Action = FILTERACTION_PROTOCOLEXIST;
    object.hProtocol = tcp;
    if (FilterAddObject(filter, &object) != NMERR_SUCCESS) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, 0, "FilterAddObject failed", 0);
        goto out;
    }

    /* Zeroed memory for the counters: 256 KiB, one DWORD per port. */
    st.frames = ExpertAllocMemory(key, NPORTS * sizeof(DWORD), &err);
    if (!st.frames) {
        ExpertIndicateStatus(key, EXPERTSTATUS_PROBLEM, err, "out of memory", 0);
        goto out;
    }

    /* The frames: GET_FRAME_NEXT_FORWARD from INVALID_FRAME_NUMBER starts at the first
     * frame; each call gives the next one that passes the filter, until
     * NMERR_NO_MORE_FRAMES. FLAGS_ATTACH_PROPERTIES has the parsers attach the frame's
     * properties (desc.lpPropertyTable) so FindPropertyInstance* can find them. */
    total = startup ? GetCaptureTotalFrames(startup->hCapture) : 0;
    for (frame = INVALID_FRAME_NUMBER;
         (err = ExpertGetFrame(key, GET_FRAME_NEXT_FORWARD, FLAGS_ATTACH_PROPERTIES, frame,
                               filter, &desc)) == NMERR_SUCCESS;
         frame = desc.FrameNumber) {
        count_frame(&st, desc.hFrame);
        if ((err = progress(&st, desc.FrameNumber, total, &last)) != NMERR_SUCCESS)
            break;
    }
    if (err != NMERR_NO_MORE_FRAMES)
        goto out;       /* NMERR_EXPERT_TERMINATE (stopped) or an error: no report */

    if (report(&st, top) != NMERR_SUCCESS)
        goto out;
    snprintf(text, sizeof(text), "%lu TCP frames of %lu", (unsigned long)st.tcp_frames,
             (unsigned long)total);
    ok = ExpertIndicateStatus(key, EXPERTSTATUS_RUNNING, 0, text, 99) == NMERR_SUCCESS;

out:
    /* Give everything back, on every path. */
    if (st.frames)
        ExpertFreeMemory(key, st.frames);
    DestroyFilter(filter);
    return ok;
}
