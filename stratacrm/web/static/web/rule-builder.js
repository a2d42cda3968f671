// The visual rule builder: AND/OR groups of field–operator–value rows, edited as the condition's JSON
// tree (stratacrm/segmentation/conditions.py). Every change writes the tree into the form's hidden
// `condition_json` field and asks the server to check it (htmx, "condition-changed"). The text mode is
// the same condition as text; switching modes carries the last checked condition across.
(() => {
  const root = document.getElementById("rule-builder");
  if (!root) return;
  const form = root.closest("form");
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const catalog = read("rule-catalog");
  const words = read("rule-words");
  const fields = new Map(catalog.map((field) => [field.name, field]));
  const hidden = form.querySelector("[name=condition_json]");
  const textArea = form.querySelector("[name=condition_text]");
  const checker = document.getElementById("rule-validation");
  const valueless = new Set(["is_null", "is_not_null", "is_true"]);
  const lists = new Set(["in", "not_in"]);
  let counter = 0;
  let tree = normalise(read("rule-tree"));

  function normalise(node) {
    if (!node) return { op: "AND", negated: false, children: [leafFor(catalog[0].name)] };
    if (node.key !== undefined) return { op: "AND", negated: false, children: [node] };
    return node;
  }

  function leafFor(name) {
    const field = fields.get(name) || catalog[0];
    const operator = field.operators.includes("=") ? "=" : field.operators[0];
    return { key: field.name, operator, value: valueless.has(operator) ? null : "", negated: false };
  }

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    children.forEach((child) => node.append(child));
    return node;
  }

  function option(value, label, selected) {
    const node = element("option", { value, text: label });
    node.selected = Boolean(selected);
    return node;
  }

  function uid(prefix) {
    counter += 1;
    return `${prefix}-${counter}`;
  }

  function typed(field, raw) {
    if (field.kind === "integer" || field.kind === "number") {
      const number = Number(raw);
      return raw === "" || Number.isNaN(number) ? raw : number;
    }
    if (field.kind === "boolean") return raw === "true";
    return raw;
  }

  function changed() {
    hidden.value = JSON.stringify(tree);
    if (window.htmx && checker) window.htmx.trigger(checker, "condition-changed");
  }

  function fieldSelect(leaf) {
    const id = uid("field");
    const select = element("select", { id, class: "field-select", "aria-label": words.field });
    const groups = new Map();
    catalog.forEach((field) => {
      if (!groups.has(field.source_label)) {
        groups.set(field.source_label, element("optgroup", { label: field.source_label }));
        select.append(groups.get(field.source_label));
      }
      const label = field.description ? `${field.name} — ${field.description}` : field.name;
      groups.get(field.source_label).append(option(field.name, label, field.name === leaf.key));
    });
    select.addEventListener("change", () => {
      Object.assign(leaf, leafFor(select.value));
      render();
      changed();
    });
    return select;
  }

  function operatorSelect(leaf, field) {
    const select = element("select", { "aria-label": words.operator });
    field.operators.forEach((operator) => select.append(option(operator, words.operators[operator] || operator, operator === leaf.operator)));
    select.addEventListener("change", () => {
      const wasList = lists.has(leaf.operator) || leaf.operator === "between";
      leaf.operator = select.value;
      const isList = lists.has(leaf.operator) || leaf.operator === "between";
      if (valueless.has(leaf.operator)) leaf.value = null;
      else if (isList !== wasList || leaf.value === null) leaf.value = isList ? [] : "";
      render();
      changed();
    });
    return select;
  }

  function valueInput(leaf, field) {
    const wrap = element("span", { class: "value" });
    if (valueless.has(leaf.operator)) return wrap;
    const label = words.value;
    if (leaf.operator === "between") {
      const pair = Array.isArray(leaf.value) ? leaf.value : ["", ""];
      [0, 1].forEach((index) => {
        const input = element("input", { type: "number", step: "any", "aria-label": `${label} ${index + 1}`, value: pair[index] ?? "" });
        input.addEventListener("input", () => {
          const values = Array.isArray(leaf.value) ? leaf.value.slice() : ["", ""];
          values[index] = typed(field, input.value);
          leaf.value = values;
          changed();
        });
        wrap.append(input, index === 0 ? element("span", { text: ` ${words.and} ` }) : "");
      });
      return wrap;
    }
    if (field.choices.length && (lists.has(leaf.operator) || ["=", "!="].includes(leaf.operator))) {
      const many = lists.has(leaf.operator);
      const chosen = many ? new Set(Array.isArray(leaf.value) ? leaf.value.map(String) : []) : new Set([String(leaf.value)]);
      const select = element("select", { "aria-label": label, multiple: many, size: many ? Math.min(5, field.choices.length) : false });
      if (!many && !chosen.has(String(leaf.value))) select.append(option("", "—", true));
      field.choices.forEach(([value, text]) => select.append(option(value, `${text} (${value})`, chosen.has(value))));
      select.addEventListener("change", () => {
        leaf.value = many ? Array.from(select.selectedOptions, (o) => o.value) : select.value;
        changed();
      });
      wrap.append(select);
      return wrap;
    }
    if (field.kind === "boolean") {
      const select = element("select", { "aria-label": label });
      select.append(option("true", words.yes, leaf.value === true), option("false", words.no, leaf.value === false));
      if (typeof leaf.value !== "boolean") leaf.value = true;
      select.addEventListener("change", () => { leaf.value = select.value === "true"; changed(); });
      wrap.append(select);
      return wrap;
    }
    if (lists.has(leaf.operator)) {
      const shown = Array.isArray(leaf.value) ? leaf.value.join(", ") : "";
      const input = element("input", { type: "text", "aria-label": `${label} (${words.comma})`, placeholder: words.comma, value: shown });
      input.addEventListener("input", () => {
        leaf.value = input.value.split(",").map((part) => part.trim()).filter(Boolean).map((part) => typed(field, part));
        changed();
      });
      wrap.append(input);
      return wrap;
    }
    const numeric = field.kind === "integer" || field.kind === "number";
    const input = element("input", { type: numeric ? "number" : "text", step: numeric ? "any" : false, "aria-label": label, value: leaf.value ?? "" });
    input.addEventListener("input", () => { leaf.value = typed(field, input.value); changed(); });
    wrap.append(input);
    return wrap;
  }

  function removeButton(parent, index) {
    const button = element("button", { type: "button", class: "danger", text: "×", "aria-label": words.remove });
    button.addEventListener("click", () => {
      parent.children.splice(index, 1);
      if (!parent.children.length) parent.children.push(leafFor(catalog[0].name));
      render();
      changed();
    });
    return button;
  }

  function notBox(node) {
    const id = uid("not");
    const box = element("input", { type: "checkbox", id });
    box.checked = Boolean(node.negated);
    box.addEventListener("change", () => { node.negated = box.checked; changed(); });
    return element("label", { for: id, class: "small" }, [box, ` ${words.not}`]);
  }

  function row(leaf, parent, index) {
    const field = fields.get(leaf.key) || fields.get(catalog[0].name);
    const line = element("div", { class: "row" }, [notBox(leaf), fieldSelect(leaf), operatorSelect(leaf, field), valueInput(leaf, field), removeButton(parent, index)]);
    if (field.description) line.append(element("span", { class: "describe", text: field.description }));
    return line;
  }

  function group(node, parent, index) {
    const box = element("div", { class: "group", role: "group", "aria-label": words.group });
    const op = element("select", { "aria-label": words.combine });
    op.append(option("AND", words.all, node.op === "AND"), option("OR", words.any, node.op === "OR"));
    op.addEventListener("change", () => { node.op = op.value; changed(); });
    const addRow = element("button", { type: "button", class: "secondary", text: `+ ${words.add_condition}` });
    addRow.addEventListener("click", () => { node.children.push(leafFor(catalog[0].name)); render(); changed(); });
    const addGroup = element("button", { type: "button", class: "secondary", text: `+ ${words.add_group}` });
    addGroup.addEventListener("click", () => {
      node.children.push({ op: node.op === "AND" ? "OR" : "AND", negated: false, children: [leafFor(catalog[0].name)] });
      render();
      changed();
    });
    const head = element("div", { class: "group-head" }, [notBox(node), op, addRow, addGroup]);
    if (parent) head.append(removeButton(parent, index));
    box.append(head);
    node.children.forEach((child, i) => box.append(child.key !== undefined ? row(child, node, i) : group(child, node, i)));
    return box;
  }

  function render() {
    root.replaceChildren(group(tree, null, 0));
  }

  function showMode() {
    const mode = form.querySelector("[name=mode]:checked").value;
    root.hidden = mode !== "builder";
    document.getElementById("rule-text").hidden = mode !== "text";
  }

  // The server's check answers with the condition in both forms; keep them for switching modes.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target !== checker) return;
    const result = document.getElementById("check-result");
    if (!result) return;
    const checked = JSON.parse(result.dataset.result);
    const mode = form.querySelector("[name=mode]:checked").value;
    if (mode === "builder") textArea.value = checked.text;
    else if (textArea.value.trim() === checked.source.trim()) tree = normalise(checked.tree);
  });

  form.querySelectorAll("[name=mode]").forEach((radio) => radio.addEventListener("change", () => {
    if (radio.value === "builder") { render(); hidden.value = JSON.stringify(tree); }
    showMode();
    changed();
  }));

  render();
  showMode();
  hidden.value = JSON.stringify(tree);
  // htmx sets up the checker when the document is parsed (its listener was added before this one).
  document.addEventListener("DOMContentLoaded", changed);
})();
