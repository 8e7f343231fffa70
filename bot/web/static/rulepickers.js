// Rule pickers (issue 15): the manager console's rule fields pick ids from the `vocabulary` of
// GET /api/rules (each {id, name}) instead of taking typed ids. A stored id the vocabulary no
// longer knows stays checked and marked, so saving shows the API's 400 naming it.
"use strict";

const RulePickers = (() => {
  const { el } = Staff;

  // A group of checkboxes for one list condition; `onChange(list)` gets the ids in the order the
  // rule had them, new ones appended, so an untouched rule saves exactly as it was loaded.
  function checklist(field, choices, selected, onChange) {
    const chosen = [...(selected || [])];
    const known = new Set(choices.map((choice) => choice.id));
    const unknown = chosen.filter((id) => !known.has(id)).map((id) => ({ id, name: T("{0}（未知）", id), unknown: true }));
    const toggle = (id) => (event) => {
      const at = chosen.indexOf(id);
      if (event.target.checked && at < 0) chosen.push(id);
      if (!event.target.checked && at >= 0) chosen.splice(at, 1);
      onChange([...chosen]);
    };
    return el("div", { class: "picks", role: "group", "data-field": field },
      [...choices, ...unknown].map((choice) => el("label", { class: `pick${choice.unknown ? " unknown" : ""}`, title: choice.id },
        el("input", { type: "checkbox", value: choice.id, checked: chosen.includes(choice.id), onchange: toggle(choice.id) }),
        choice.name || choice.id)));
  }

  // One id or none (`then.queue`): a select whose first option keeps the engine's choice.
  function single(field, choices, value, noneText, onChange) {
    const options = value && !choices.some((choice) => choice.id === value)
      ? [...choices, { id: value, name: T("{0}（未知）", value) }] : choices;
    return el("select", { "data-field": field, onchange: (event) => onChange(event.target.value || null) },
      el("option", { value: "", text: noneText, selected: !value }),
      options.map((choice) => el("option", { value: choice.id, text: choice.name || choice.id, selected: choice.id === value })));
  }

  return { checklist, single };
})();
