package io.remediator.kubevirt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.internal.AbstractWatchManager;
import io.fabric8.kubernetes.client.dsl.internal.BaseOperation;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.impl.DefaultSharedIndexInformer;
import io.fabric8.kubernetes.client.informers.impl.ListerWatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The LIST side of an informer, read as a stream and pruned while it is parsed; the WATCH side is
 * fabric8's own. fabric8 turns a LIST response into full objects before an item store can prune
 * them: 10,000 VMIs as the API server sends them (~65 MB of JSON) become several times that in
 * maps, more than the image's heap, so an unpaged LIST from the API server's watch cache (what
 * client-go's reflectors ask for first, `resourceVersion=0`) could not be used at scale. Here
 * only the {@link KeptFields} of each item are ever built, and the response is read from the
 * socket as it arrives.
 *
 * <p>It leans on public methods of fabric8's BaseOperation (its URL, its selectors and its watch)
 * so that both sides ask for exactly the same objects.
 */
public final class PrunedList<T extends HasMetadata, L extends KubernetesResourceList<T>> implements ListerWatcher<T, L> {
    /** Reads a whole (filtered) list response into the list the informer takes. */
    @FunctionalInterface
    interface ListReader<L> {
        L read(JsonParser filtered) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final BaseOperation<T, L, ?> operation;
    private final HttpClient http;
    private final ObjectMapper json = JSON;
    private final TokenFilter filter;
    private final ListReader<L> reader;
    private final Executor parsing;

    @SuppressWarnings("unchecked")
    private PrunedList(Object source, HttpClient http, TokenFilter filter, ListReader<L> reader, Executor parsing) {
        if (!(source instanceof BaseOperation<?, ?, ?> op)) {
            throw new IllegalArgumentException("not a fabric8 operation: " + source.getClass());
        }
        this.operation = (BaseOperation<T, L, ?>) op;
        this.http = http;
        this.filter = filter;
        this.reader = reader;
        this.parsing = parsing;
    }

    /**
     * Generic resources of which only {@code fields} are built.
     *
     * @param source  a fabric8 operation on generic resources, selectors applied
     * @param parsing where the blocking parse runs (never fabric8's I/O threads)
     */
    static PrunedList<GenericKubernetesResource, GenericKubernetesResourceList> keeping(
            Object source, HttpClient http, KeptFields fields, Executor parsing) {
        return new PrunedList<>(source, http, fields.listFilter(), p -> {
            GenericKubernetesResourceList list = JSON.readValue(p, GenericKubernetesResourceList.class);
            if (list != null && list.getItems() == null) {
                list.setItems(new ArrayList<>()); // an empty list is still a list
            }
            return list;
        }, parsing);
    }

    /**
     * Typed resources without the subtrees at {@code omitted} (dotted paths, e.g. a status's long
     * lists): the rest is bound to {@code type} by the client's own serialization, item by item.
     */
    public static <R extends HasMetadata> PrunedList<R, KubernetesResourceList<R>> omitting(
            Object source, KubernetesClient client, Class<R> type, List<String> omitted, Executor parsing) {
        return omitting(source, client, type, omitted, java.util.function.UnaryOperator.identity(), parsing);
    }

    /**
     * The same, each item reduced by {@code reduce} as soon as it is bound: what a path cannot
     * leave out (most of a list, say) is dropped before the next item is read, so a LIST costs one
     * item whole at a time, never all of them.
     */
    public static <R extends HasMetadata> PrunedList<R, KubernetesResourceList<R>> omitting(
            Object source, KubernetesClient client, Class<R> type, List<String> omitted,
            java.util.function.UnaryOperator<R> reduce, Executor parsing) {
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        return new PrunedList<>(source, client.getHttpClient(), KeptFields.omitting(omitted), p -> {
            DefaultKubernetesResourceList<R> list = new DefaultKubernetesResourceList<>();
            List<R> items = new ArrayList<>();
            list.setItems(items);
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("metadata".equals(field)) {
                    list.setMetadata(serialization.convertValue(JSON.readTree(p), ListMeta.class));
                } else if ("items".equals(field) && p.currentToken() == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                        R item = reduce.apply(serialization.convertValue(JSON.readTree(p), type));
                        if (item != null) {
                            items.add(item);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            return list;
        }, parsing);
    }

    /**
     * One object read by name without the subtrees at {@code omitted}, parsed as it arrives: a page
     * showing a report does not build the half megabyte of alerts it never shows. Empty on 404.
     *
     * @param resource a fabric8 operation on one named resource
     */
    public static <R extends HasMetadata> java.util.Optional<R> get(Object resource, KubernetesClient client,
                                                                   Class<R> type, List<String> omitted) {
        if (!(resource instanceof BaseOperation<?, ?, ?> op)) {
            throw new IllegalArgumentException("not a fabric8 operation: " + resource.getClass());
        }
        URL url;
        try {
            url = op.getResourceUrl();
        } catch (MalformedURLException e) {
            throw new KubernetesClientException("bad URL: " + e.getMessage(), e);
        }
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().url(url).header("Accept", "application/json").build();
        HttpResponse<InputStream> response;
        try {
            response = http.sendAsync(request, InputStream.class).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while reading " + url.getPath());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KubernetesClientException k ? k
                    : new KubernetesClientException("reading " + url.getPath() + " failed: " + e.getCause(), e.getCause());
        }
        InputStream body = response.body();
        boolean readToTheEnd = false;
        try {
            if (response.code() == 404 || !response.isSuccessful()) {
                String refusal = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                readToTheEnd = true;
                if (response.code() == 404) {
                    return java.util.Optional.empty();
                }
                throw refusal(JSON, response.code(), refusal);
            }
            JsonNode tree;
            try (JsonParser parser = new FilteringParserDelegate(JSON.createParser(body),
                    KeptFields.omittingInObject(omitted), TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
                parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
                tree = JSON.readTree(parser);
            }
            body.transferTo(OutputStream.nullOutputStream());
            readToTheEnd = true;
            return java.util.Optional.ofNullable(tree == null ? null
                    : client.getKubernetesSerialization().convertValue(tree, type));
        } catch (IOException e) {
            throw new KubernetesClientException("reading " + url.getPath() + " failed: " + e, e);
        } finally {
            if (!readToTheEnd) {
                // As for a LIST: only a response not read to its end is closed (see read).
                closeQuietly(body);
            }
        }
    }

    /**
     * Threads for a pruned informer's parsing and event handlers (daemons, ended when idle); the
     * owner shuts them down when it closes the informer.
     */
    public static ExecutorService threads(String name) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** An informer of this list (no resync), with {@code store} as its item store. */
    public SharedIndexInformer<T> informer(Class<T> type, ItemStore<T> store, Executor events) {
        return new DefaultSharedIndexInformer<>(type, this, 0, events).itemStore(store);
    }

    @Override
    public CompletableFuture<L> submitList(ListOptions options) {
        // The operation's selectors, as fabric8's own LIST adds them (the informer's options carry none).
        ListOptions selected = new ListOptionsBuilder(options)
                .withLabelSelector(options.getLabelSelector() != null ? options.getLabelSelector()
                        : operation.getOperationContext().getLabelQueryParam())
                .withFieldSelector(options.getFieldSelector() != null ? options.getFieldSelector()
                        : operation.getOperationContext().getFieldQueryParam())
                .build();
        URL url;
        try {
            url = operation.appendListOptionParams(operation.getNamespacedUrl(), selected);
        } catch (MalformedURLException e) {
            return CompletableFuture.failedFuture(new KubernetesClientException("bad list URL: " + e.getMessage(), e));
        }
        HttpRequest request = http.newHttpRequestBuilder().url(url).header("Accept", "application/json").build();
        return CompletableFuture.supplyAsync(() -> read(request), parsing);
    }

    private L read(HttpRequest request) {
        HttpResponse<InputStream> response;
        try {
            response = http.sendAsync(request, InputStream.class).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while listing " + request.uri().getPath());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KubernetesClientException k ? k
                    : new KubernetesClientException("listing " + request.uri().getPath() + " failed: "
                    + e.getCause(), e.getCause());
        }
        InputStream body = response.body();
        boolean readToTheEnd = false;
        try {
            if (!response.isSuccessful()) {
                String refusal = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                readToTheEnd = true;
                throw refusal(response.code(), refusal);
            }
            L list;
            try (JsonParser parser = new FilteringParserDelegate(json.createParser(body), filter,
                    TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
                parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
                list = reader.read(parser);
            }
            // The API server ends with a newline: read to the end, so the connection goes back to
            // fabric8's pool whole.
            body.transferTo(OutputStream.nullOutputStream());
            readToTheEnd = true;
            if (list == null) {
                throw new KubernetesClientException("empty answer to LIST " + request.uri().getPath());
            }
            return list;
        } catch (IOException e) {
            throw new KubernetesClientException("reading LIST " + request.uri().getPath() + " failed: " + e, e);
        } finally {
            if (!readToTheEnd) {
                // Only a response not read to its end is closed: closing cancels the request, and
                // fabric8's vert.x client then resets the connection even when it is already back
                // in the pool, failing whichever request takes it next ("Connection was closed").
                closeQuietly(body);
            }
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException | RuntimeException e) {
            // the request is being abandoned; nothing more to do
        }
    }

    /** The API server's own Status, so a 403 or 410 reads as it does from fabric8's LIST. */
    private KubernetesClientException refusal(int code, String body) {
        return refusal(json, code, body);
    }

    private static KubernetesClientException refusal(ObjectMapper json, int code, String body) {
        Status status;
        try {
            status = json.readValue(body, Status.class);
        } catch (IOException | RuntimeException e) {
            status = null;
        }
        if (status == null || status.getCode() == null) {
            status = new Status();
            status.setCode(code);
            status.setMessage(body.length() > 500 ? body.substring(0, 500) : body);
        }
        return new KubernetesClientException(status);
    }

    @Override
    public CompletableFuture<AbstractWatchManager<T>> submitWatch(ListOptions options, Watcher<T> watcher) {
        return operation.submitWatch(options, watcher);
    }

    @Override
    public Long getLimit() {
        return operation.getLimit();
    }

    @Override
    public int getWatchReconnectInterval() {
        return operation.getWatchReconnectInterval();
    }

    @Override
    public String getApiEndpointPath() {
        return operation.getApiEndpointPath();
    }

    @Override
    public Config getConfig() {
        return operation.getConfig();
    }
}
